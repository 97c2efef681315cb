"""work-order materials snapshot: meta_workorder_materials, meta_workorders.materials_snapshot_at

Revision ID: 0012_workorder_materials
Revises: 0011_audit_scope
Create Date: 2026-12-02 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from yuantus.core.db import UTCDateTime
from yuantus.core.decimals import ExactDecimal

revision: str = "0012_workorder_materials"
down_revision: str | None = "0011_audit_scope"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the snapshot table; orders released before it keep answering the live view."""
    op.add_column(
        "meta_workorders", sa.Column("materials_snapshot_at", UTCDateTime(), nullable=True)
    )
    op.create_table(
        "meta_workorder_materials",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("workorder_id", sa.String(36), nullable=False),
        sa.Column("component_config_id", sa.String(36), nullable=False),
        sa.Column("component_item_id", sa.String(36), nullable=True),
        sa.Column("item_number", sa.String(64), nullable=True),
        sa.Column("revision", sa.String(8), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("state", sa.String(16), nullable=True),
        sa.Column("uom", sa.String(16), nullable=False),
        sa.Column("quantity_per_unit", ExactDecimal(), nullable=False),
        sa.Column("required_quantity", ExactDecimal(), nullable=False),
        sa.Column("bom_lines", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(16), nullable=False),
        sa.Column("rule_as_of", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workorder_id"],
            ["meta_workorders.id"],
            name=op.f("fk_meta_workorder_materials_workorder_id_meta_workorders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["component_item_id"],
            ["meta_items.id"],
            name=op.f("fk_meta_workorder_materials_component_item_id_meta_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_workorder_materials")),
    )
    op.create_index(
        op.f("ix_meta_workorder_materials_workorder_id"),
        "meta_workorder_materials",
        ["workorder_id"],
    )


def downgrade() -> None:
    """Drop the snapshot table and column."""
    op.drop_table("meta_workorder_materials")
    with op.batch_alter_table("meta_workorders") as batch:
        batch.drop_column("materials_snapshot_at")
