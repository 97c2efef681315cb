"""Events and webhooks: emit in the change's transaction, fan out to deliveries as jobs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from yuantus.core import decimals
from yuantus.core import error_codes as ec
from yuantus.core.context import current_request_id
from yuantus.core.crypto import encrypt
from yuantus.core.db import utcnow
from yuantus.core.errors import InvalidState, Unprocessable, not_found
from yuantus.core.orm import get_or_404
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.settings import Settings
from yuantus.core.signing import generate_secret, secret_key
from yuantus.core.sorting import SortOrder
from yuantus.event import codes
from yuantus.event.config import WebhookSettings
from yuantus.event.delivery import DELIVER_TASK
from yuantus.event.models import Event, WebhookDelivery, WebhookSubscription
from yuantus.event.patterns import check_patterns, like, matches
from yuantus.identity.models import User
from yuantus.job import service as job_service


def emit(
    session: Session,
    event_type: str,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    payload: dict[str, Any] | None = None,
    actor: User | None = None,
    only: WebhookSubscription | None = None,
) -> Event:
    """Append an event and enqueue a delivery per matching active webhook, in this transaction.

    The deliveries are jobs: they commit with the change and run after it (an outbox), so a
    rolled-back change sends nothing. `only` sends to one subscription (the test event).
    """
    row = Event(
        type=event_type,
        object_type=object_type,
        object_id=object_id,
        payload=decimals.jsonable(payload or {}),
        actor_id=actor.id if actor is not None else None,
        actor_name=actor.username if actor is not None else None,
        request_id=current_request_id(),
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    targets = [only] if only is not None else _subscribers(session, event_type)
    for subscription in targets:
        enqueue_delivery(session, subscription, row)
    return row


def _subscribers(session: Session, event_type: str) -> list[WebhookSubscription]:
    active = session.scalars(
        select(WebhookSubscription)
        .where(WebhookSubscription.is_active)
        .order_by(WebhookSubscription.created_at, WebhookSubscription.id)
    )
    return [s for s in active if matches(s.event_types, event_type)]


def enqueue_delivery(
    session: Session,
    subscription: WebhookSubscription,
    event: Event,
    *,
    redelivery_of: str | None = None,
) -> WebhookDelivery:
    """A pending delivery and the job that carries it (the payload holds only its id)."""
    attempts = WebhookSettings().max_attempts
    delivery = WebhookDelivery(
        subscription_id=subscription.id,
        event_id=event.id,
        state="pending",
        attempts=0,
        max_attempts=attempts,
        redelivery_of=redelivery_of,
        created_at=utcnow(),
    )
    session.add(delivery)
    session.flush()
    job = job_service.create_job(
        session, DELIVER_TASK, {"delivery_id": delivery.id}, max_attempts=attempts
    )
    session.flush()
    delivery.job_id = job.id
    return delivery


def event_conditions(
    event_type: str | None,
    object_type: str | None,
    object_id: str | None,
    since: datetime | None,
) -> list[ColumnElement[bool]]:
    """SQL conditions of the event list's filters (`*` in the type is a wildcard)."""
    out: list[ColumnElement[bool]] = []
    if event_type:
        pattern = check_patterns([event_type])[0]
        out.append(
            Event.type.like(like(pattern), escape="\\") if "*" in pattern else Event.type == pattern
        )
    if object_type:
        out.append(Event.object_type == object_type)
    if object_id:
        out.append(Event.object_id == object_id)
    if since is not None:
        out.append(Event.created_at >= since)
    return out


def list_events(
    session: Session, conds: list[ColumnElement[bool]], sort: SortOrder, page: PageParams
) -> tuple[Sequence[Event], int]:
    """One page of events."""
    rows, total = paginate(session, sort.apply(select(Event).where(*conds)), page)
    return rows, total


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host; 422 invalid_webhook_url otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Unprocessable(
            "the webhook URL must be an absolute http:// or https:// URL",
            code=codes.INVALID_WEBHOOK_URL,
            context={"url": url},
        )
    return url.strip()


def check_secret(secret: str) -> str:
    """A whsec_ secret of 24 to 64 bytes; 422 that never repeats the value."""
    try:
        size = len(secret_key(secret))
    except ValueError:
        size = -1
    if not secret.startswith("whsec_") or not 24 <= size <= 64:
        raise Unprocessable(
            "secret must be whsec_ followed by base64 of 24 to 64 random bytes "
            "(omit it to have one generated)",
            code=ec.VALIDATION_FAILED,
            context={"field": "secret"},
        )
    return secret


def create_subscription(
    session: Session,
    settings: Settings,
    *,
    url: str,
    event_types: list[str],
    secret: str | None,
    description: str | None,
    is_active: bool,
    user: User,
) -> tuple[WebhookSubscription, str | None]:
    """A subscription; answers the generated secret (shown once) when none was given."""
    generated = None if secret is not None else generate_secret()
    plain = check_secret(secret) if secret is not None else generated
    assert plain is not None
    now = utcnow()
    subscription = WebhookSubscription(
        url=check_url(url),
        event_types=check_patterns(event_types),
        secret_ciphertext=encrypt(settings, plain),
        is_active=is_active,
        description=description,
        created_by=user.id,
        created_at=now,
        updated_at=now,
    )
    session.add(subscription)
    session.flush()
    return subscription, generated


def get_subscription(session: Session, subscription_id: str) -> WebhookSubscription:
    """A subscription by id; 404 webhook_not_found."""
    return get_or_404(session, WebhookSubscription, subscription_id, codes.WEBHOOK_NOT_FOUND)


def update_subscription(
    session: Session, settings: Settings, subscription: WebhookSubscription, changes: dict[str, Any]
) -> WebhookSubscription:
    """Apply a PATCH: url, event_types, secret (replaced), description, is_active."""
    if "url" in changes:
        subscription.url = check_url(changes["url"])
    if "event_types" in changes:
        subscription.event_types = check_patterns(changes["event_types"])
    if "secret" in changes:
        subscription.secret_ciphertext = encrypt(settings, check_secret(changes["secret"]))
    if "description" in changes:
        subscription.description = changes["description"]
    if "is_active" in changes:
        subscription.is_active = changes["is_active"]
    subscription.updated_at = utcnow()
    session.flush()
    return subscription


def get_delivery(session: Session, subscription_id: str, delivery_id: str) -> WebhookDelivery:
    """A delivery of this subscription; 404 delivery_not_found."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.subscription_id != subscription_id:
        raise not_found("delivery", delivery_id)
    return delivery


def redeliver(
    session: Session, subscription: WebhookSubscription, delivery_id: str
) -> WebhookDelivery:
    """Send a delivery's event again, as a new delivery pointing at the old one."""
    old = get_delivery(session, subscription.id, delivery_id)
    if not subscription.is_active:
        raise InvalidState(
            "activate the webhook before redelivering to it", code=codes.WEBHOOK_INACTIVE
        )
    event = session.get(Event, old.event_id)
    assert event is not None
    return enqueue_delivery(session, subscription, event, redelivery_of=old.id)
