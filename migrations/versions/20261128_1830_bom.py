"""bom tables: meta_bom_lines

Revision ID: 0004_bom
Revises: 0003_jobs
Create Date: 2026-11-28 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from yuantus.core.db import UTCDateTime

revision: str = "0004_bom"
down_revision: str | None = "0003_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Create the bom tables."""
    op.create_table(
        "meta_bom_lines",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("parent_item_id", sa.String(36), nullable=False),
        sa.Column("child_config_id", sa.String(36), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("uom", sa.String(16), nullable=False),
        sa.Column("find_num", sa.String(32), nullable=True),
        sa.Column("refdes", JSONType, nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("properties", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_meta_bom_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["parent_item_id"],
            ["meta_items.id"],
            name=op.f("fk_meta_bom_lines_parent_item_id_meta_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_bom_lines")),
    )
    op.create_index(op.f("ix_meta_bom_lines_parent_item_id"), "meta_bom_lines", ["parent_item_id"])
    op.create_index(
        op.f("ix_meta_bom_lines_child_config_id"), "meta_bom_lines", ["child_config_id"]
    )


def downgrade() -> None:
    """Drop the bom tables."""
    op.drop_table("meta_bom_lines")
