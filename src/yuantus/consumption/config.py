"""Consumption settings (prefix YUANTUS_CONSUMPTION_)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class ConsumptionSettings(BaseSettings):
    """Backflush: record a done work order's snapshot materials when it reported none."""

    model_config = SettingsConfigDict(env_prefix="YUANTUS_CONSUMPTION_", extra="ignore")

    backflush: bool = True
