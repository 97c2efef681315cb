"""ORM models of the job domain: the one durable queue table meta_conversion_jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from yuantus.core import names
from yuantus.core.db import Base, JSONType, UTCDateTime, new_id, utcnow
from yuantus.core.transitions import Rule

JOB_PENDING = "pending"
JOB_PROCESSING = "processing"
JOB_COMPLETED = "completed"
JOB_FAILED = "failed"
JOB_CANCELED = "canceled"
JOB_STATUSES = (JOB_PENDING, JOB_PROCESSING, JOB_COMPLETED, JOB_FAILED, JOB_CANCELED)
ACTIVE_STATUSES = (JOB_PENDING, JOB_PROCESSING)
FINISHED_STATUSES = (JOB_COMPLETED, JOB_FAILED, JOB_CANCELED)
# the actions people take on a job (the worker's claim, complete and fail are its own)
JOB_TRANSITIONS: dict[str, Rule] = {
    "cancel": Rule((JOB_PENDING,), JOB_CANCELED, ("engineer",)),
    "retry": Rule((JOB_FAILED, JOB_CANCELED), JOB_PENDING, ("engineer",)),
}

# the same literal SQL in the model and in migration 0003_jobs, so autogenerate sees no diff
ACTIVE_WHERE = "status IN ('pending', 'processing')"
PENDING_WHERE = "status = 'pending'"
PROCESSING_WHERE = "status = 'processing'"
STATUS_CHECK = "status IN ('pending', 'processing', 'completed', 'failed', 'canceled')"


class Job(Base):
    """One unit of asynchronous work: a task type, its payload and its run history."""

    __tablename__ = "meta_conversion_jobs"
    __table_args__ = (
        CheckConstraint(STATUS_CHECK, name="status"),
        # partial indexes stay small (finished jobs leave them) and cost nothing to
        # maintain when a job moves on; queries must name the status as a literal to use them
        # the claim query: pending jobs in (priority, created_at) order
        Index(
            "ix_meta_conversion_jobs_claim",
            "priority",
            "created_at",
            sqlite_where=text(PENDING_WHERE),
            postgresql_where=text(PENDING_WHERE),
        ),
        # stale detection: processing jobs by heartbeat age
        Index(
            "ix_meta_conversion_jobs_stale",
            "heartbeat_at",
            sqlite_where=text(PROCESSING_WHERE),
            postgresql_where=text(PROCESSING_WHERE),
        ),
        Index("ix_meta_conversion_jobs_created_at", "created_at"),
        # race-safe deduplication: at most one active job per dedupe_key
        Index(
            "uq_meta_conversion_jobs_active_dedupe_key",
            "dedupe_key",
            unique=True,
            sqlite_where=text(ACTIVE_WHERE),
            postgresql_where=text(ACTIVE_WHERE),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    task_type: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=JOB_PENDING)
    priority: Mapped[int] = mapped_column(Integer, default=100)
    worker_id: Mapped[str | None] = mapped_column(String(200))
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    last_error: Mapped[str | None] = mapped_column(Text)
    error_history: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    dedupe_key: Mapped[str | None] = mapped_column(String(255))
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by_name = names.ref("user", "created_by")

    @property
    def remaining_attempts(self) -> int:
        """How many more times the job may run automatically."""
        return max(0, self.max_attempts - self.attempt_count)

    @property
    def is_dead_letter(self) -> bool:
        """Failed with no attempts left: needs a person (retry or give up)."""
        return self.status == JOB_FAILED and self.remaining_attempts == 0

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.task_type} {self.status} {self.attempt_count}>"
