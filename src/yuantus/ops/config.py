"""Operations overview settings (prefix YUANTUS_OPS_); see docs/operations.md."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class OpsSettings(BaseSettings):
    """Alert thresholds that replace the defaults the sections propose."""

    model_config = SettingsConfigDict(env_prefix="YUANTUS_OPS_", extra="ignore")

    # {"<section>.<measure>": threshold}, JSON: YUANTUS_OPS_THRESHOLDS='{"job.failure_rate": 0.1}'
    thresholds: dict[str, float] = Field(default_factory=dict)
