"""Edit guards: rules of other domains that can refuse an edit of an open revision.

The item domain knows nothing of ECOs; the eco domain registers a guard here that
refuses edits of a target revision under review. `ensure_editable` runs every guard.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.item.models import Item

# a guard raises a domain error (e.g. Conflict) to refuse the edit
EditGuard = Callable[[Session, Item], None]

_guards: list[EditGuard] = []


def register_guard(guard: EditGuard) -> EditGuard:
    """Add an edit guard (idempotent)."""
    if guard not in _guards:
        _guards.append(guard)
    return guard


def unregister_guard(guard: EditGuard) -> None:
    """Remove an edit guard if present."""
    if guard in _guards:
        _guards.remove(guard)


def run_guards(session: Session, item: Item) -> None:
    """Run every edit guard on a revision about to change; the first refusal propagates."""
    for guard in list(_guards):
        guard(session, item)


def lock_row(session: Session, item_id: str) -> None:
    """Take the row lock of a revision (PostgreSQL) without reloading it; no-op if absent."""
    # guards that read other domains' rows take it first, so they serialize with writers
    # of those rows that lock the revision too
    session.execute(select(Item.id).where(Item.id == item_id).with_for_update())
