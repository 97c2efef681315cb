"""breakage incidents: meta_breakage_incidents

Revision ID: 0013_breakage_incidents
Revises: 0012_workorder_materials
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from yuantus.core.db import UTCDateTime

revision: str = "0013_breakage_incidents"
down_revision: str | None = "0012_workorder_materials"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the incidents table with the indexes the metrics group by."""
    op.create_table(
        "meta_breakage_incidents",
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("product_item_id", sa.String(length=36), nullable=False),
        sa.Column("product_config_id", sa.String(length=36), nullable=False),
        sa.Column("product_number", sa.String(length=64), nullable=False),
        sa.Column("component_item_id", sa.String(length=36), nullable=False),
        sa.Column("component_config_id", sa.String(length=36), nullable=False),
        sa.Column("component_number", sa.String(length=64), nullable=False),
        sa.Column("workorder_id", sa.String(length=36), nullable=True),
        sa.Column("batch_code", sa.String(length=64), nullable=True),
        sa.Column("customer", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("failure_mode", sa.String(length=128), nullable=True),
        sa.Column("signature", sa.String(length=255), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("responsibility", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("helpdesk_ticket_id", sa.String(length=128), nullable=True),
        sa.Column("helpdesk_status", sa.String(length=64), nullable=True),
        sa.Column("helpdesk_last_error", sa.Text(), nullable=True),
        sa.Column("helpdesk_synced_at", UTCDateTime(), nullable=True),
        sa.Column("helpdesk_mode", sa.String(length=16), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.CheckConstraint(
            "responsibility IN ('supplier', 'production', 'design', 'field', 'unknown')",
            name=op.f("ck_meta_breakage_incidents_responsibility"),
        ),
        sa.CheckConstraint(
            "severity IN ('low', 'medium', 'high', 'critical')",
            name=op.f("ck_meta_breakage_incidents_severity"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'investigating', 'resolved', 'closed')",
            name=op.f("ck_meta_breakage_incidents_status"),
        ),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_meta_breakage_incidents_quantity")),
        sa.ForeignKeyConstraint(
            ["component_item_id"],
            ["meta_items.id"],
            name=op.f("fk_meta_breakage_incidents_component_item_id_meta_items"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_breakage_incidents_created_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_item_id"],
            ["meta_items.id"],
            name=op.f("fk_meta_breakage_incidents_product_item_id_meta_items"),
        ),
        sa.ForeignKeyConstraint(
            ["workorder_id"],
            ["meta_workorders.id"],
            name=op.f("fk_meta_breakage_incidents_workorder_id_meta_workorders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_breakage_incidents")),
        sa.UniqueConstraint("number", name=op.f("uq_meta_breakage_incidents_number")),
    )
    with op.batch_alter_table("meta_breakage_incidents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meta_breakage_incidents_batch_code"), ["batch_code"], unique=False
        )
        batch_op.create_index(
            "ix_meta_breakage_incidents_component_day",
            ["component_config_id", "occurred_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_meta_breakage_incidents_component_item_id"),
            ["component_item_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_meta_breakage_incidents_occurred_on", ["occurred_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meta_breakage_incidents_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meta_breakage_incidents_product_item_id"),
            ["product_item_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_meta_breakage_incidents_product_signature",
            ["product_config_id", "signature"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_meta_breakage_incidents_workorder_id"), ["workorder_id"], unique=False
        )


def downgrade() -> None:
    """Drop the incidents table."""
    with op.batch_alter_table("meta_breakage_incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meta_breakage_incidents_workorder_id"))
        batch_op.drop_index("ix_meta_breakage_incidents_product_signature")
        batch_op.drop_index(batch_op.f("ix_meta_breakage_incidents_product_item_id"))
        batch_op.drop_index("ix_meta_breakage_incidents_occurred_on")
        batch_op.drop_index(batch_op.f("ix_meta_breakage_incidents_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_meta_breakage_incidents_component_item_id"))
        batch_op.drop_index("ix_meta_breakage_incidents_component_day")
        batch_op.drop_index(batch_op.f("ix_meta_breakage_incidents_batch_code"))

    op.drop_table("meta_breakage_incidents")
