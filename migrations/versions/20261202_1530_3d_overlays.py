"""3D overlays: meta_3d_overlays, one per document revision

Revision ID: 0016_3d_overlays
Revises: 0015_workflow_actions
Create Date: 2026-12-02 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from yuantus.core.db import JSONType, UTCDateTime

revision: str = "0016_3d_overlays"
down_revision: str | None = "0015_workflow_actions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the overlay table."""
    op.create_table(
        "meta_3d_overlays",
        sa.Column("document_item_id", sa.String(length=36), nullable=False),
        sa.Column("version_label", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("visibility_roles", JSONType, nullable=False),
        sa.Column("components", JSONType, nullable=False),
        sa.Column("properties", JSONType, nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_3d_overlays_created_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["document_item_id"],
            ["meta_items.id"],
            name=op.f("fk_meta_3d_overlays_document_item_id_meta_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_3d_overlays")),
        sa.UniqueConstraint("document_item_id", name=op.f("uq_meta_3d_overlays_document_item_id")),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("meta_3d_overlays")
