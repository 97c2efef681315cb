"""manufacturing tables: meta_workcenters, meta_routings, meta_operations, meta_workorders

Revision ID: 0006_manufacturing
Revises: 0005_eco
Create Date: 2026-11-28 18:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from yuantus.core.db import UTCDateTime

revision: str = "0006_manufacturing"
down_revision: str | None = "0005_eco"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
PRIMARY = sa.text("is_primary")


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    ]


def upgrade() -> None:
    """Create the manufacturing tables."""
    op.create_table(
        "meta_workcenters",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("capacity_per_day", sa.Float(), nullable=False),
        sa.Column("efficiency", sa.Float(), nullable=False),
        sa.Column("cost_rate", sa.Float(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_workcenters")),
        sa.UniqueConstraint("code", name=op.f("uq_meta_workcenters_code")),
    )
    op.create_table(
        "meta_routings",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("product_config_id", sa.String(36), nullable=False),
        sa.Column("routing_code", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("released_at", UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.String(36), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_routings_created_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_routings")),
        sa.UniqueConstraint(
            "routing_code", "version", name=op.f("uq_meta_routings_routing_code_version")
        ),
    )
    op.create_index(
        op.f("ix_meta_routings_product_config_id"), "meta_routings", ["product_config_id"]
    )
    op.create_index(op.f("ix_meta_routings_routing_code"), "meta_routings", ["routing_code"])
    op.create_index(
        "uq_meta_routings_primary_product",
        "meta_routings",
        ["product_config_id"],
        unique=True,
        sqlite_where=PRIMARY,
        postgresql_where=PRIMARY,
    )
    op.create_table(
        "meta_operations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("routing_id", sa.String(36), nullable=False),
        sa.Column("operation_number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("workcenter_id", sa.String(36), nullable=False),
        sa.Column("setup_time", sa.Float(), nullable=False),
        sa.Column("run_time", sa.Float(), nullable=False),
        sa.Column("work_instructions", sa.Text(), nullable=True),
        sa.Column("properties", JSONType, nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["routing_id"],
            ["meta_routings.id"],
            name=op.f("fk_meta_operations_routing_id_meta_routings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workcenter_id"],
            ["meta_workcenters.id"],
            name=op.f("fk_meta_operations_workcenter_id_meta_workcenters"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_operations")),
        sa.UniqueConstraint(
            "routing_id",
            "operation_number",
            name=op.f("uq_meta_operations_routing_id_operation_number"),
        ),
    )
    op.create_index(op.f("ix_meta_operations_routing_id"), "meta_operations", ["routing_id"])
    op.create_index(op.f("ix_meta_operations_workcenter_id"), "meta_operations", ["workcenter_id"])
    op.create_table(
        "meta_workorders",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("product_config_id", sa.String(36), nullable=False),
        sa.Column("product_item_id", sa.String(36), nullable=False),
        sa.Column("routing_id", sa.String(36), nullable=True),
        sa.Column("quantity", sa.Numeric(18, 6), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("released_at", UTCDateTime(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("canceled_at", UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.String(36), nullable=True),
        *_timestamps(),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_meta_workorders_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["product_item_id"],
            ["meta_items.id"],
            name=op.f("fk_meta_workorders_product_item_id_meta_items"),
        ),
        sa.ForeignKeyConstraint(
            ["routing_id"],
            ["meta_routings.id"],
            name=op.f("fk_meta_workorders_routing_id_meta_routings"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_workorders_created_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_workorders")),
        sa.UniqueConstraint("number", name=op.f("uq_meta_workorders_number")),
    )
    op.create_index(
        op.f("ix_meta_workorders_product_config_id"), "meta_workorders", ["product_config_id"]
    )
    op.create_index(
        op.f("ix_meta_workorders_product_item_id"), "meta_workorders", ["product_item_id"]
    )
    op.create_index(op.f("ix_meta_workorders_routing_id"), "meta_workorders", ["routing_id"])
    op.create_index(
        "ix_meta_workorders_status_product", "meta_workorders", ["status", "product_config_id"]
    )


def downgrade() -> None:
    """Drop the manufacturing tables."""
    op.drop_table("meta_workorders")
    op.drop_table("meta_operations")
    op.drop_table("meta_routings")
    op.drop_table("meta_workcenters")
