"""This site's name and the sync timeouts (prefix YUANTUS_)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SyncSettings(BaseSettings):
    """YUANTUS_SITE_NAME names this site to the others; the HTTP timeout of a sync call."""

    model_config = SettingsConfigDict(env_prefix="YUANTUS_", extra="ignore")

    site_name: str = Field(default="local", min_length=1, max_length=64)
    doc_sync_timeout_s: float = Field(default=60.0, gt=0, le=3600)
    # documents per inbound import call: one call's size stays bounded on slow links
    doc_sync_batch: int = Field(default=50, ge=1, le=500)
    # file uploads in flight at once during a push
    doc_sync_uploads: int = Field(default=4, ge=1, le=32)
