"""jobs tables

Revision ID: 0003_jobs
Revises: 0002_items
Create Date: 2026-11-28 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from yuantus.core.db import UTCDateTime

revision: str = "0003_jobs"
down_revision: str | None = "0002_items"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
ACTIVE_WHERE = "status IN ('pending', 'processing')"
PENDING_WHERE = "status = 'pending'"
PROCESSING_WHERE = "status = 'processing'"
STATUS_CHECK = "status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')"


def upgrade() -> None:
    """Create meta_conversion_jobs with its claim, stale and dedupe indexes."""
    op.create_table(
        "meta_conversion_jobs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("task_type", sa.String(100), nullable=False),
        sa.Column("payload", JSONType, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.String(200), nullable=True),
        sa.Column("attempt_count", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("error_history", JSONType, nullable=False),
        sa.Column("result", JSONType, nullable=True),
        sa.Column("progress", JSONType, nullable=True),
        sa.Column("dedupe_key", sa.String(255), nullable=True),
        sa.Column("created_by", sa.String(36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("scheduled_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(STATUS_CHECK, name=op.f("ck_meta_conversion_jobs_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_conversion_jobs")),
    )
    op.create_index(
        op.f("ix_meta_conversion_jobs_claim"),
        "meta_conversion_jobs",
        ["priority", "created_at"],
        sqlite_where=sa.text(PENDING_WHERE),
        postgresql_where=sa.text(PENDING_WHERE),
    )
    op.create_index(
        op.f("ix_meta_conversion_jobs_stale"),
        "meta_conversion_jobs",
        ["heartbeat_at"],
        sqlite_where=sa.text(PROCESSING_WHERE),
        postgresql_where=sa.text(PROCESSING_WHERE),
    )
    op.create_index(
        op.f("ix_meta_conversion_jobs_created_at"), "meta_conversion_jobs", ["created_at"]
    )
    op.create_index(
        op.f("uq_meta_conversion_jobs_active_dedupe_key"),
        "meta_conversion_jobs",
        ["dedupe_key"],
        unique=True,
        sqlite_where=sa.text(ACTIVE_WHERE),
        postgresql_where=sa.text(ACTIVE_WHERE),
    )


def downgrade() -> None:
    """Drop meta_conversion_jobs."""
    op.drop_table("meta_conversion_jobs")
