"""document sync: meta_remote_sites, meta_document_replicas, meta_document_sync_jobs

Revision ID: 0026_doc_sync
Revises: 0025_bom_checks
Create Date: 2026-12-03 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from yuantus.core.db import JSONType, UTCDateTime

revision: str = "0026_doc_sync"
down_revision: str | None = "0025_bom_checks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the sites, the replicas held here and the sync jobs' links."""
    op.create_table(
        "meta_remote_sites",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("endpoint", sa.String(length=2000), nullable=False),
        sa.Column("auth_mode", sa.String(length=16), nullable=False),
        sa.Column("auth_secret_ciphertext", sa.Text(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("auto_push", sa.Boolean(), nullable=False),
        sa.Column("metadata", JSONType, nullable=False),
        sa.Column("last_health_status", sa.String(length=16), nullable=True),
        sa.Column("last_health_error", sa.Text(), nullable=True),
        sa.Column("last_health_at", UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("auth_mode IN ('token')", name=op.f("ck_meta_remote_sites_auth_mode")),
        sa.CheckConstraint(
            "last_health_status IS NULL OR last_health_status IN ('healthy', 'unhealthy')",
            name=op.f("ck_meta_remote_sites_last_health_status"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_remote_sites_created_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_remote_sites")),
        sa.UniqueConstraint("name", name=op.f("uq_meta_remote_sites_name")),
    )
    op.create_table(
        "meta_document_replicas",
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("config_id", sa.String(length=36), nullable=False),
        sa.Column("origin_site", sa.String(length=64), nullable=False),
        sa.Column("origin_id", sa.String(length=36), nullable=False),
        sa.Column("origin_config_id", sa.String(length=36), nullable=False),
        sa.Column("source_site", sa.String(length=64), nullable=False),
        sa.Column("item_number", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.String(length=8), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("file_hashes", JSONType, nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["meta_items.id"],
            name=op.f("fk_meta_document_replicas_item_id_meta_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_document_replicas")),
        sa.UniqueConstraint("item_id", name=op.f("uq_meta_document_replicas_item_id")),
        sa.UniqueConstraint(
            "origin_site",
            "origin_id",
            name=op.f("uq_meta_document_replicas_origin_site_origin_id"),
        ),
    )
    with op.batch_alter_table("meta_document_replicas") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meta_document_replicas_config_id"), ["config_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meta_document_replicas_origin_config_id"),
            ["origin_config_id"],
            unique=False,
        )
    op.create_table(
        "meta_document_sync_jobs",
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("document_count", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("idempotency_conflicts", sa.Integer(), nullable=False),
        sa.Column("replay_of", sa.String(length=36), nullable=True),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "direction IN ('push', 'pull')", name=op.f("ck_meta_document_sync_jobs_direction")
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["meta_conversion_jobs.id"],
            name=op.f("fk_meta_document_sync_jobs_job_id_meta_conversion_jobs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["meta_remote_sites.id"],
            name=op.f("fk_meta_document_sync_jobs_site_id_meta_remote_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_meta_document_sync_jobs")),
    )
    with op.batch_alter_table("meta_document_sync_jobs") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meta_document_sync_jobs_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meta_document_sync_jobs_site_id"), ["site_id"], unique=False
        )


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("meta_document_sync_jobs")
    op.drop_table("meta_document_replicas")
    op.drop_table("meta_remote_sites")
