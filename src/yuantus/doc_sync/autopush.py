"""Automatic push: a document released here gets a push job per site with auto_push set.

An after hook of the item release, in its transaction: the job commits with the release
and runs after it (the outbox the webhooks use too), so a rolled-back release pushes
nothing. A replica is never released here (it is read-only), and a document that came from
a site is never pushed back to it, so two sites pushing to each other do not loop.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.core.hooks import Transition
from yuantus.doc_sync import service
from yuantus.doc_sync.guard import origin_of
from yuantus.doc_sync.models import RemoteSite

# after the release's own hooks, before the event log's (10,000)
AUTO_PUSH_PRIORITY = 900


def register() -> None:
    """Hook the item release (idempotent)."""
    from yuantus.item.service import item_hooks

    item_hooks.register(
        "after",
        on_release,
        name="doc_sync.auto_push",
        priority=AUTO_PUSH_PRIORITY,
        points=["item.release"],
    )


def on_release(session: Session, transition: Transition) -> None:
    """Enqueue a push of the released document to every active auto-push site."""
    if transition.extra.get("item_type") != "Document":
        return
    origin = origin_of(session, transition.object_id)
    sites = session.scalars(
        select(RemoteSite)
        .where(RemoteSite.auto_push.is_(True), RemoteSite.is_active.is_(True))
        .order_by(RemoteSite.name)
    )
    for site in sites:
        if site.name == origin:
            continue
        service.enqueue(
            session,
            site,
            "push",
            [transition.object_id],
            created_by=transition.user_id,
            trigger="auto_push",
        )
