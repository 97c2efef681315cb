"""Revision content change notifications: who changed what on a revision, before/after.

Every write to a revision's content (attributes, BOM lines, file links) calls `notify`
after it flushed; listeners of other domains (the ECO history of a target, the audit
log) register here, so the item, bom and file domains need not know them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from yuantus.item.models import Item


@dataclass(frozen=True)
class RevisionChange:
    """One change of a revision's content; before/after are JSON-able dicts (None: absent)."""

    item: Item
    object_type: str  # "item", "bom_line", "item_file"
    object_id: str
    action: str  # "update", "add", "remove"
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    user_id: str | None


Listener = Callable[[Session, RevisionChange], None]

_listeners: list[Listener] = []


def register_listener(listener: Listener) -> Listener:
    """Add a change listener (idempotent)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def unregister_listener(listener: Listener) -> None:
    """Remove a change listener if present."""
    if listener in _listeners:
        _listeners.remove(listener)


def notify(
    session: Session,
    item: Item,
    object_type: str,
    object_id: str,
    action: str,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    user_id: str | None,
) -> None:
    """Tell every listener that a revision's content changed (in the caller's transaction)."""
    change = RevisionChange(item, object_type, object_id, action, before, after, user_id)
    for listener in list(_listeners):
        listener(session, change)
