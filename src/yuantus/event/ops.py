"""Webhook deliveries in GET /ops/summary: failures, dead letters and retries in the window."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuantus.core.ops_section import Measure, OpsSection, ratio, window_start
from yuantus.event.models import DELIVERY_STATES, WebhookDelivery

DEFAULT_FAILURE_RATE = 0.05


def ops_section(session: Session, window_days: int) -> OpsSection:
    """Deliveries created in the window by state; failed = refused, dead = retries used up."""
    since = window_start(window_days)
    recent = WebhookDelivery.created_at >= since
    by_state = dict.fromkeys(DELIVERY_STATES, 0)
    by_state.update(
        session.execute(
            select(WebhookDelivery.state, func.count())
            .where(recent)
            .group_by(WebhookDelivery.state)
        ).all()
    )
    retrying = session.scalar(
        select(func.count()).where(
            recent, WebhookDelivery.state == "pending", WebhookDelivery.attempts > 0
        )
    )
    failures = by_state["failed"] + by_state["dead"]
    finished = failures + by_state["delivered"]
    return OpsSection(
        figures={
            "deliveries": sum(by_state.values()),
            "by_state": by_state,
            "failures": failures,
            "dead_letters": by_state["dead"],
            "retrying": retrying or 0,
        },
        measures={
            "failure_rate": Measure(
                ratio(failures, finished),
                DEFAULT_FAILURE_RATE,
                "share of finished webhook deliveries that failed or died",
            )
        },
    )
