"""meta_events (append-only), webhook subscriptions and their deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from yuantus.core.db import Base, IdMixin, JSONType, UTCDateTime, utcnow

DELIVERY_STATES = ("pending", "delivered", "failed", "dead")


class Event(IdMixin, Base):
    """One thing that happened, written in the transaction of the change itself."""

    __tablename__ = "meta_events"
    __table_args__ = (
        Index("ix_meta_events_type_created_at", "type", "created_at"),
        Index("ix_meta_events_object", "object_type", "object_id", "created_at"),
        Index("ix_meta_events_created_at", "created_at"),
    )

    type: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # no foreign key: the log outlives users
    actor_id: Mapped[str | None] = mapped_column(String(36))
    actor_name: Mapped[str | None] = mapped_column(String(100))
    request_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


@event.listens_for(Event, "before_update")
@event.listens_for(Event, "before_delete")
def _events_are_append_only(_mapper: Any, _connection: Any, target: Event) -> None:
    raise RuntimeError(f"event {target.id} is append-only")


class WebhookSubscription(IdMixin, Base):
    """Where to POST the events whose type matches one of the patterns."""

    __tablename__ = "meta_webhook_subscriptions"

    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Fernet token of the whsec_ signing secret: never answered, logged or put in a job
    secret_ciphertext: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WebhookDelivery(IdMixin, Base):
    """One event to one subscription: its attempts and how the receiver answered."""

    __tablename__ = "meta_webhook_deliveries"
    __table_args__ = (Index("ix_meta_webhook_deliveries_sub", "subscription_id", "created_at"),)

    subscription_id: Mapped[str] = mapped_column(
        ForeignKey("meta_webhook_subscriptions.id", ondelete="CASCADE")
    )
    event_id: Mapped[str] = mapped_column(ForeignKey("meta_events.id"), index=True)
    job_id: Mapped[str | None] = mapped_column(String(36))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_response_ms: Mapped[float | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    redelivery_of: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
