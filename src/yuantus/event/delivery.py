"""One webhook delivery attempt: POST the event signed, record how the receiver answered.

Network errors and 5xx are retried by the job queue with its backoff; a 429 is tried again
after its Retry-After (a new job scheduled then); any other 4xx is final. A delivery that
uses up its attempts is a dead letter. Attempt records survive the job's rollback.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.orm import Session

from yuantus.core.crypto import decrypt
from yuantus.core.db import utcnow
from yuantus.core.errors import YuantusError
from yuantus.core.settings import Settings
from yuantus.core.signing import signed_headers
from yuantus.event import codes
from yuantus.event.config import WebhookSettings
from yuantus.event.models import Event, WebhookDelivery, WebhookSubscription
from yuantus.job import service as job_service
from yuantus.job.registry import JobFatalError

DELIVER_TASK = "webhook_deliver"
# one pooled client per process: a client per request would build a TLS context each time
_client = httpx.Client(headers={"user-agent": "Yuantus"}, follow_redirects=False)


class DeliveryFailed(YuantusError):
    """A network error or a 5xx: the queue retries."""

    status_code = 502


class DeliveryRefused(JobFatalError, YuantusError):
    """A 4xx other than 429: the receiver does not want it; not retried."""

    status_code = 502


def body_of(event: Event) -> bytes:
    """The JSON a receiver gets: id, type, timestamp and the event's data."""
    message = {
        "id": event.id,
        "type": event.type,
        "timestamp": event.created_at.isoformat(),
        "data": {
            "object_type": event.object_type,
            "object_id": event.object_id,
            "actor": event.actor_name,
            **event.payload,
        },
    }
    return json.dumps(message, separators=(",", ":"), default=str).encode()


def _record(delivery_id: str, **values: Any) -> Any:
    """An after-rollback write of the attempt's outcome onto the delivery row."""

    def write(session: Session) -> None:
        session.execute(
            update(WebhookDelivery).where(WebhookDelivery.id == delivery_id).values(**values)
        )

    return write


def _retry_after(response: httpx.Response, cap: float) -> float:
    """Seconds a 429 asks to wait (a number of seconds; anything else means 60)."""
    try:
        seconds = float(response.headers.get("retry-after", "60"))
    except ValueError:
        seconds = 60.0
    return max(0.0, min(seconds, cap))


def deliver(session: Session, settings: Settings, delivery_id: str) -> dict[str, Any]:
    """Run one attempt of a delivery (the `webhook_deliver` job's work)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise JobFatalError(f"no webhook delivery {delivery_id!r}")
    subscription = session.get(WebhookSubscription, delivery.subscription_id)
    event = session.get(Event, delivery.event_id)
    assert event is not None
    if subscription is None or not subscription.is_active:
        delivery.state, delivery.last_error = "failed", "the subscription is inactive or deleted"
        return {"skipped": delivery.last_error}
    config = WebhookSettings()
    attempt = delivery.attempts + 1
    last = attempt >= delivery.max_attempts
    body = body_of(event)
    # one message id for every attempt and redelivery: receivers deduplicate on it
    headers = signed_headers(
        decrypt(settings, subscription.secret_ciphertext), f"msg_{event.id}", body
    )
    started = time.perf_counter()
    try:
        response = _client.post(
            subscription.url,
            content=body,
            headers={**headers, "content-type": "application/json"},
            timeout=config.timeout_s,
        )
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        raise DeliveryFailed(error, code=codes.WEBHOOK_DELIVERY_FAILED).persist_after_rollback(
            _record(
                delivery.id,
                attempts=attempt,
                last_error=error,
                last_status_code=None,
                state="dead" if last else "pending",
            )
        ) from exc
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    code = response.status_code
    seen = {"attempts": attempt, "last_status_code": code, "last_response_ms": elapsed}
    if 200 <= code < 300:
        for key, value in seen.items():
            setattr(delivery, key, value)
        delivery.state, delivery.delivered_at, delivery.last_error = "delivered", utcnow(), None
        delivery.next_attempt_at = None
        return {"status_code": code, "elapsed_ms": elapsed}
    if code == 429 and not last:
        wait = _retry_after(response, config.max_retry_after_s)
        retry_at = utcnow() + timedelta(seconds=wait)
        follow = job_service.create_job(
            session,
            DELIVER_TASK,
            {"delivery_id": delivery.id},
            max_attempts=delivery.max_attempts - attempt,
            run_at=retry_at,
        )
        session.flush()
        for key, value in seen.items():
            setattr(delivery, key, value)
        delivery.job_id, delivery.next_attempt_at = follow.id, retry_at
        delivery.last_error = f"429: retry after {wait:.0f} s"
        return {"status_code": code, "retry_at": retry_at.isoformat(), "job_id": follow.id}
    error = f"receiver answered {code}"
    if code >= 500 or code == 429:
        raise DeliveryFailed(error, code=codes.WEBHOOK_DELIVERY_FAILED).persist_after_rollback(
            _record(delivery.id, **seen, last_error=error, state="dead" if last else "pending")
        )
    raise DeliveryRefused(error, code=codes.WEBHOOK_DELIVERY_REFUSED).persist_after_rollback(
        _record(delivery.id, **seen, last_error=error, state="failed")
    )
