"""consumption plans: meta_consumption_plans, meta_consumption_records

Revision ID: 0021_consumption_plans
Revises: 0020_eco_activity_gates
Create Date: 2026-12-02 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from yuantus.core.db import JSONType, UTCDateTime
from yuantus.core.decimals import ExactDecimal

revision: str = "0021_consumption_plans"
down_revision: str | None = "0020_eco_activity_gates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the plans (one active version per template key) and their records."""
    op.create_table(
        "meta_consumption_plans",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("item_config_id", sa.String(length=36), nullable=False),
        sa.Column("period_unit", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("planned_quantity", ExactDecimal(), nullable=False),
        sa.Column("uom", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("template_key", sa.String(length=64), nullable=True),
        sa.Column("template_version", sa.Integer(), nullable=True),
        sa.Column("under_threshold", ExactDecimal(), nullable=False),
        sa.Column("over_threshold", ExactDecimal(), nullable=False),
        sa.Column("properties", JSONType, nullable=False),
        sa.Column("activated_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "period_unit IN ('day', 'week', 'month')",
            name=op.f("ck_meta_consumption_plans_period_unit"),
        ),
        sa.CheckConstraint(
            "state IN ('draft', 'active', 'closed')", name=op.f("ck_meta_consumption_plans_state")
        ),
        sa.CheckConstraint(
            "period_end >= period_start", name=op.f("ck_meta_consumption_plans_period")
        ),
        sa.CheckConstraint(
            "planned_quantity > 0", name=op.f("ck_meta_consumption_plans_planned_quantity")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_consumption_plans_created_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["meta_items.id"],
            name=op.f("fk_meta_consumption_plans_item_id_meta_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_consumption_plans")),
        sa.UniqueConstraint(
            "template_key",
            "template_version",
            name=op.f("uq_meta_consumption_plans_template_key_template_version"),
        ),
    )
    with op.batch_alter_table("meta_consumption_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meta_consumption_plans_item_id"), ["item_id"], unique=False
        )
        batch_op.create_index(
            "ix_meta_consumption_plans_item_state", ["item_config_id", "state"], unique=False
        )
        batch_op.create_index(
            "uq_meta_consumption_plans_active_template",
            ["template_key"],
            unique=True,
            sqlite_where=sa.text("state = 'active' AND template_key IS NOT NULL"),
            postgresql_where=sa.text("state = 'active' AND template_key IS NOT NULL"),
        )

    op.create_table(
        "meta_consumption_records",
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("quantity", ExactDecimal(), nullable=False),
        sa.Column("uom", sa.String(length=16), nullable=False),
        sa.Column("plan_quantity", ExactDecimal(), nullable=False),
        sa.Column("source_type", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=True),
        sa.Column("corrects_id", sa.String(length=36), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("properties", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.CheckConstraint(
            "source_type IN ('workorder', 'manual', 'import')",
            name=op.f("ck_meta_consumption_records_source_type"),
        ),
        sa.CheckConstraint(
            "quantity >= 0 OR corrects_id IS NOT NULL",
            name=op.f("ck_meta_consumption_records_correction"),
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["meta_consumption_records.id"],
            name=op.f("fk_meta_consumption_records_corrects_id_meta_consumption_records"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["meta_consumption_plans.id"],
            name=op.f("fk_meta_consumption_records_plan_id_meta_consumption_plans"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_consumption_records_recorded_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_consumption_records")),
    )
    with op.batch_alter_table("meta_consumption_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meta_consumption_records_plan_day", ["plan_id", "recorded_on"], unique=False
        )
        batch_op.create_index(
            "ix_meta_consumption_records_source", ["source_type", "source_id"], unique=False
        )


def downgrade() -> None:
    """Drop the records, then the plans."""
    with op.batch_alter_table("meta_consumption_records", schema=None) as batch_op:
        batch_op.drop_index("ix_meta_consumption_records_source")
        batch_op.drop_index("ix_meta_consumption_records_plan_day")

    op.drop_table("meta_consumption_records")
    with op.batch_alter_table("meta_consumption_plans", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_meta_consumption_plans_active_template",
            sqlite_where=sa.text("state = 'active' AND template_key IS NOT NULL"),
            postgresql_where=sa.text("state = 'active' AND template_key IS NOT NULL"),
        )
        batch_op.drop_index("ix_meta_consumption_plans_item_state")
        batch_op.drop_index(batch_op.f("ix_meta_consumption_plans_item_id"))

    op.drop_table("meta_consumption_plans")
