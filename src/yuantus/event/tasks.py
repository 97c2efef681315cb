"""Job handlers of the event domain: webhook deliveries."""

from __future__ import annotations

from typing import Any

from yuantus.event.delivery import DELIVER_TASK, deliver
from yuantus.job.registry import JobFatalError, TaskContext, task


@task(DELIVER_TASK)
def webhook_deliver(ctx: TaskContext) -> dict[str, Any]:
    """POST one event to one webhook, signed (Standard Webhooks)."""
    delivery_id = ctx.payload.get("delivery_id")
    if not isinstance(delivery_id, str):
        raise JobFatalError("the payload needs a delivery_id")
    return deliver(ctx.session, ctx.settings, delivery_id)
