"""Answers of webhooks and deliveries (names and the next try, one query per kind)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.event.models import Event, WebhookDelivery, WebhookSubscription
from yuantus.event.schemas import DeliveryRead, WebhookCreated, WebhookRead
from yuantus.identity.models import User
from yuantus.job.models import Job


def webhook(session: Session, sub: WebhookSubscription) -> WebhookRead:
    """The answer of a subscription."""
    name = session.scalar(select(User.username).where(User.id == sub.created_by))
    return WebhookRead(
        id=sub.id,
        url=sub.url,
        event_types=list(sub.event_types),
        is_active=sub.is_active,
        description=sub.description,
        secret_configured=bool(sub.secret_ciphertext),
        created_by=sub.created_by,
        created_by_name=name,
        created_at=sub.created_at,
        updated_at=sub.updated_at,
    )


def created(session: Session, sub: WebhookSubscription, secret: str | None) -> WebhookCreated:
    """The create answer, with the generated secret when there is one."""
    return WebhookCreated(**webhook(session, sub).model_dump(), secret=secret)


def deliveries(session: Session, rows: Sequence[WebhookDelivery]) -> list[DeliveryRead]:
    """The answers of deliveries; a pending one's next try is its job's scheduled time."""
    event_ids = {d.event_id for d in rows}
    types = dict(session.execute(select(Event.id, Event.type).where(Event.id.in_(event_ids))).all())
    job_ids = {d.job_id for d in rows if d.job_id and d.state == "pending"}
    jobs = dict(
        session.execute(
            select(Job.id, Job.scheduled_at).where(Job.id.in_(job_ids), Job.status == "pending")
        ).all()
    )
    return [
        DeliveryRead(
            id=d.id,
            subscription_id=d.subscription_id,
            event_id=d.event_id,
            event_type=types[d.event_id],
            state=d.state,
            attempts=d.attempts,
            max_attempts=d.max_attempts,
            last_status_code=d.last_status_code,
            last_response_ms=d.last_response_ms,
            last_error=d.last_error,
            next_attempt_at=jobs.get(d.job_id) if d.job_id else None,
            job_id=d.job_id,
            redelivery_of=d.redelivery_of,
            created_at=d.created_at,
            delivered_at=d.delivered_at,
        )
        for d in rows
    ]
