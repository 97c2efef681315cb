"""Activity gate settings from the environment (prefix YUANTUS_ECO_ACTIVITY_)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class EcoActivitySettings(BaseSettings):
    """The SLA window of the activity gates."""

    model_config = SettingsConfigDict(env_prefix="YUANTUS_ECO_ACTIVITY_", extra="ignore")

    # an open activity due within this many hours is `due_soon`
    due_soon_hours: float = Field(default=24.0, gt=0, le=24 * 365)
