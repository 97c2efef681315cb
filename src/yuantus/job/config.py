"""Job queue tuning from the environment (prefix YUANTUS_JOB_); see docs/jobs.md."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class JobSettings(BaseSettings):
    """Timeouts, backoff and extra task modules of the job queue."""

    model_config = SettingsConfigDict(env_prefix="YUANTUS_JOB_", extra="ignore")

    heartbeat_interval: float = Field(default=10.0, gt=0)
    stale_timeout: float = Field(default=60.0, gt=0)
    stale_check_interval: float = Field(default=30.0, gt=0)
    backoff_base: float = Field(default=5.0, ge=0)
    backoff_cap: float = Field(default=900.0, ge=0)
    # batching: claim up to batch_max jobs per statement; quick jobs share one transaction
    # that commits when group_commit_interval seconds have passed or the batch is done
    batch_max: int = Field(default=32, ge=1, le=1000)
    group_commit_interval: float = Field(default=0.1, ge=0)
    # extra modules that declare handlers (plugins, test tasks), comma-separated
    task_modules: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("task_modules", mode="before")
    @classmethod
    def _split_modules(cls, value: object) -> object:
        """Accept a comma-separated list from the environment."""
        if isinstance(value, str):
            return [m.strip() for m in value.split(",") if m.strip()]
        return value
