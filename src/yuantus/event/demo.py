"""Demo webhook: one subscription to a local receiver, inactive until someone runs one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.event import service
from yuantus.event.models import WebhookSubscription

if TYPE_CHECKING:
    from yuantus.core.demo import DemoContext

DEMO_URL = "http://127.0.0.1:9911/yuantus-events"


def load(session: Session, ctx: DemoContext) -> None:
    """Subscribe the local ERP bridge to ECO and release events (inactive), once."""
    admin = ctx.users.get("admin")
    exists = session.scalar(select(WebhookSubscription).where(WebhookSubscription.url == DEMO_URL))
    if exists is None and admin is not None and ctx.settings is not None:
        service.create_subscription(
            session,
            ctx.settings,
            url=DEMO_URL,
            event_types=["eco.*", "item.released"],
            secret=None,
            description="ERP bridge on this machine (start a receiver, then activate)",
            is_active=False,
            user=admin,
        )
    ctx.report.append(f"  webhooks: {DEMO_URL} for eco.*, item.released (inactive)")
