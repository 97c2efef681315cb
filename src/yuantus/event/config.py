"""Webhook delivery tuning (prefix YUANTUS_WEBHOOK_); see docs/webhooks.md."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebhookSettings(BaseSettings):
    """The delivery timeout, the attempts per delivery and the longest Retry-After honoured."""

    model_config = SettingsConfigDict(env_prefix="YUANTUS_WEBHOOK_", extra="ignore")

    timeout_s: float = Field(default=10.0, gt=0, le=120)
    max_attempts: int = Field(default=5, ge=1, le=50)
    max_retry_after_s: float = Field(default=3600.0, ge=0)
