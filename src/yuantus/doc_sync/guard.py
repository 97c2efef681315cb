"""Replicas are read-only here: edits, lifecycle moves and revises answer 409 replica_read_only.

The item domain does not know doc_sync; `register()` puts an edit guard (item.guards: PATCH,
file links, document links, submit/release/obsolete...) and a revision copier that refuses
to open a new revision of a replica (revise runs the copiers, not the guards). The import
writes the replica rows itself and never passes through either.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.core.errors import Conflict
from yuantus.doc_sync import codes
from yuantus.doc_sync.models import DocumentReplica
from yuantus.item import guards
from yuantus.item.copying import revision_copiers
from yuantus.item.models import Item

# before every other copier: a refused revise copies nothing
COPIER_PRIORITY = 0


def register() -> None:
    """Plug the read-only rule into the item domain (idempotent)."""
    guards.register_guard(_guard)
    revision_copiers.register("doc_sync_replica", _refuse_revise, priority=COPIER_PRIORITY)


def origin_of(session: Session, item_id: str) -> str | None:
    """The site owning a revision held here as a replica; None for a local revision."""
    return session.scalar(
        select(DocumentReplica.origin_site).where(DocumentReplica.item_id == item_id)
    )


def _refuse(item: Item, origin: str, action: str) -> Conflict:
    return Conflict(
        f"{item.item_number} rev {item.revision} is a replica of {origin}'s document: "
        f"cannot {action} it here; change it at {origin} and sync again",
        code=codes.REPLICA_READ_ONLY,
        context={"item_id": item.id, "origin_site": origin, "action": action},
    )


def _guard(session: Session, item: Item, action: str) -> None:
    origin = origin_of(session, item.id)
    if origin is not None:
        raise _refuse(item, origin, action)


def _refuse_revise(session: Session, source: Item, _target: Item) -> None:
    origin = origin_of(session, source.id)
    if origin is not None:
        raise _refuse(source, origin, "revise")
