"""meta_remote_sites (the other Yuantus sites) and meta_document_replicas (copies held here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from yuantus.core.db import Base, IdMixin, JSONType, TimestampMixin, UTCDateTime, utcnow

AUTH_MODES = ("token",)
HEALTH_STATUSES = ("healthy", "unhealthy")
DIRECTIONS = ("push", "pull")
PUSH_TASK = "document_sync_push"
PULL_TASK = "document_sync_pull"
TASK_OF = {"push": PUSH_TASK, "pull": PULL_TASK}
DOCUMENT_RESULTS = ("created", "updated", "unchanged", "failed")


class RemoteSite(IdMixin, TimestampMixin, Base):
    """Another Yuantus installation this one pushes to and pulls from."""

    __tablename__ = "meta_remote_sites"
    __table_args__ = (
        CheckConstraint("auth_mode IN ('token')", name="auth_mode"),
        CheckConstraint(
            "last_health_status IS NULL OR last_health_status IN ('healthy', 'unhealthy')",
            name="last_health_status",
        ),
    )

    name: Mapped[str] = mapped_column(String(64), unique=True)
    # the other site's root URL; calls go to <endpoint>/api/v1/...
    endpoint: Mapped[str] = mapped_column(String(2000))
    auth_mode: Mapped[str] = mapped_column(String(16), default="token")
    # Fernet token of the other site's API token: never answered, logged or put in a job
    auth_secret_ciphertext: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    auto_push: Mapped[bool] = mapped_column(Boolean, default=False)
    # "metadata" is reserved by SQLAlchemy's declarative base
    site_metadata: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType, default=dict)
    last_health_status: Mapped[str | None] = mapped_column(String(16))
    last_health_error: Mapped[str | None] = mapped_column(Text)
    last_health_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))


class DocumentReplica(IdMixin, Base):
    """A local Document revision that is a copy of another site's: read-only here."""

    __tablename__ = "meta_document_replicas"
    __table_args__ = (UniqueConstraint("origin_site", "origin_id"),)

    # the local revision; it goes if the revision is ever deleted
    item_id: Mapped[str] = mapped_column(
        ForeignKey("meta_items.id", ondelete="CASCADE"), unique=True
    )
    config_id: Mapped[str] = mapped_column(String(36), index=True)
    # the site that owns the document and its revision id and item id there
    origin_site: Mapped[str] = mapped_column(String(64))
    origin_id: Mapped[str] = mapped_column(String(36))
    origin_config_id: Mapped[str] = mapped_column(String(36), index=True)
    # the site it came from (the origin, or a site relaying the origin's copy)
    source_site: Mapped[str] = mapped_column(String(64))
    item_number: Mapped[str] = mapped_column(String(64))
    revision: Mapped[str] = mapped_column(String(8))
    # the digest of the metadata and sorted file hashes: equal means nothing to import
    fingerprint: Mapped[str] = mapped_column(String(64))
    file_hashes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SyncJobLink(Base):
    """A sync job of meta_conversion_jobs with its site, direction and idempotency count."""

    __tablename__ = "meta_document_sync_jobs"
    __table_args__ = (CheckConstraint("direction IN ('push', 'pull')", name="direction"),)

    job_id: Mapped[str] = mapped_column(
        ForeignKey("meta_conversion_jobs.id", ondelete="CASCADE"), primary_key=True
    )
    site_id: Mapped[str] = mapped_column(
        ForeignKey("meta_remote_sites.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(8))
    document_count: Mapped[int] = mapped_column(Integer, default=0)
    idempotency_key: Mapped[str] = mapped_column(String(255))
    # identical requests answered with this job while it was pending or processing
    idempotency_conflicts: Mapped[int] = mapped_column(Integer, default=0)
    replay_of: Mapped[str | None] = mapped_column(String(36))
    # why the job was made: "api", "replay" or "auto_push"
    trigger: Mapped[str] = mapped_column(String(16), default="api")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
