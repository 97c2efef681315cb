"""Request and answer shapes of events and webhooks (secrets are write-only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, SecretStr

from yuantus.core.schemas import PatchSchema, ReadSchema, Schema


class EventRead(ReadSchema):
    """One logged event."""

    id: str
    type: str
    object_type: str | None
    object_id: str | None
    payload: dict[str, Any] = Field(description="what changed: action, states, numbers")
    actor_id: str | None
    actor_name: str | None
    request_id: str | None
    created_at: datetime


class WebhookCreate(Schema):
    """A subscription: where to POST which events, signed with the secret."""

    url: str = Field(max_length=2000, description="absolute http(s) URL of the receiver")
    event_types: list[str] = Field(
        min_length=1, max_length=50, description="type patterns, e.g. `eco.*`, `item.released`"
    )
    secret: SecretStr | None = Field(
        default=None, description="whsec_<base64>; generated (and shown once) when omitted"
    )
    description: str | None = Field(default=None, max_length=500)
    is_active: bool = True


class WebhookUpdate(PatchSchema):
    """Fields to change; a new secret replaces the old one."""

    clearable = frozenset({"description"})

    url: str | None = Field(default=None, max_length=2000)
    event_types: list[str] | None = Field(default=None, min_length=1, max_length=50)
    secret: SecretStr | None = None
    description: str | None = Field(default=None, max_length=500)
    is_active: bool | None = None


class WebhookRead(BaseModel):
    """A subscription; its secret is never answered."""

    id: str
    url: str
    event_types: list[str]
    is_active: bool
    description: str | None
    secret_configured: bool
    created_by: str | None
    created_by_name: str | None
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookRead):
    """The create answer: the generated secret appears here once, never again."""

    secret: str | None = Field(
        description="the generated whsec_ secret (null when you gave one); store it now"
    )


class DeliveryRead(BaseModel):
    """One event sent to one webhook: attempts, the receiver's answer, the next try."""

    id: str
    subscription_id: str
    event_id: str
    event_type: str
    state: str = Field(description="pending, delivered, failed (refused) or dead (out of tries)")
    attempts: int
    max_attempts: int
    last_status_code: int | None
    last_response_ms: float | None
    last_error: str | None
    next_attempt_at: datetime | None
    job_id: str | None
    redelivery_of: str | None
    created_at: datetime
    delivered_at: datetime | None
