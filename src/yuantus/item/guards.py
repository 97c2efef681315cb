"""Edit guards: rules of other domains that can refuse a change of an open revision.

The item domain knows nothing of ECOs; the eco domain registers a guard here that
refuses changes of a target revision under review. `ensure_editable` runs every guard
before a content change, and `transition` before a lifecycle move (before its hooks).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.item.models import Item

# guard(session, item, action): raise a domain error (e.g. Conflict) to refuse; action is
# "edit" for content changes, or the lifecycle transition ("submit", "release", ...)
EditGuard = Callable[[Session, Item, str], None]

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


def run_guards(session: Session, item: Item, action: str = "edit") -> None:
    """Run every guard on a revision about to change; the first refusal propagates."""
    for guard in list(_guards):
        guard(session, item, action)


def lock_row(session: Session, item_id: str) -> None:
    """Take the row lock of a revision (PostgreSQL) without reloading it; no-op if absent."""
    # guards that read other domains' rows take it first, so they serialize with writers
    # of those rows that lock the revision too
    session.execute(select(Item.id).where(Item.id == item_id).with_for_update())
