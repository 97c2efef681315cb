"""eco tables: meta_eco_stages (with the default stages), meta_ecos, meta_eco_approvals,
meta_eco_events

Revision ID: 0005_eco
Revises: 0004_bom
Create Date: 2026-11-28 18:40:00
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from yuantus.core.db import UTCDateTime

revision: str = "0005_eco"
down_revision: str | None = "0004_bom"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# frozen copy of the defaults (a migration must not change when the code does);
# yuantus.eco.stages.DEFAULT_STAGES holds the same set for emptied databases
DEFAULT_STAGES = (
    {"name": "New", "sequence": 10},
    {
        "name": "Engineering Review",
        "sequence": 20,
        "approval_type": "mandatory",
        "approval_roles": ["approver"],
        "min_approvals": 1,
        "auto_progress": True,
        "description": "An approver signs the change off.",
    },
    {"name": "Ready to Apply", "sequence": 30, "allow_apply": True},
    {"name": "Done", "sequence": 40, "is_final": True, "fold": True},
)


def upgrade() -> None:
    """Create the eco tables and insert the default stages."""
    stages = op.create_table(
        "meta_eco_stages",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("approval_type", sa.String(16), nullable=False),
        sa.Column("approval_roles", JSONType, nullable=False),
        sa.Column("min_approvals", sa.Integer(), nullable=False),
        sa.Column("allow_apply", sa.Boolean(), nullable=False),
        sa.Column("is_final", sa.Boolean(), nullable=False),
        sa.Column("fold", sa.Boolean(), nullable=False),
        sa.Column("auto_progress", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_eco_stages")),
        sa.UniqueConstraint("name", name=op.f("uq_meta_eco_stages_name")),
    )
    op.create_index(op.f("ix_meta_eco_stages_sequence"), "meta_eco_stages", ["sequence"])
    op.create_table(
        "meta_ecos",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("eco_type", sa.String(16), nullable=False),
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("product_config_id", sa.String(36), nullable=False),
        sa.Column("target_item_id", sa.String(36), nullable=True),
        sa.Column("stage_id", sa.String(36), nullable=False),
        sa.Column("stage_visit", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("kanban_state", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("effectivity_date", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(36), nullable=True),
        sa.Column("applied_at", UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["meta_items.id"], name=op.f("fk_meta_ecos_product_id_meta_items")
        ),
        sa.ForeignKeyConstraint(
            ["target_item_id"],
            ["meta_items.id"],
            name=op.f("fk_meta_ecos_target_item_id_meta_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"], ["meta_eco_stages.id"], name=op.f("fk_meta_ecos_stage_id_meta_eco_stages")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_ecos_created_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_ecos")),
        sa.UniqueConstraint("number", name=op.f("uq_meta_ecos_number")),
    )
    op.create_index(op.f("ix_meta_ecos_product_id"), "meta_ecos", ["product_id"])
    op.create_index(op.f("ix_meta_ecos_product_config_id"), "meta_ecos", ["product_config_id"])
    op.create_index(op.f("ix_meta_ecos_target_item_id"), "meta_ecos", ["target_item_id"])
    op.create_index(op.f("ix_meta_ecos_stage_id"), "meta_ecos", ["stage_id"])
    op.create_index("ix_meta_ecos_state_stage", "meta_ecos", ["state", "stage_id"])
    op.create_table(
        "meta_eco_approvals",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("eco_id", sa.String(36), nullable=False),
        sa.Column("stage_id", sa.String(36), nullable=False),
        sa.Column("stage_visit", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["eco_id"],
            ["meta_ecos.id"],
            name=op.f("fk_meta_eco_approvals_eco_id_meta_ecos"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"],
            ["meta_eco_stages.id"],
            name=op.f("fk_meta_eco_approvals_stage_id_meta_eco_stages"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["meta_users.id"], name=op.f("fk_meta_eco_approvals_user_id_meta_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_eco_approvals")),
        sa.UniqueConstraint(
            "eco_id",
            "stage_id",
            "stage_visit",
            "user_id",
            name=op.f("uq_meta_eco_approvals_eco_id_stage_id_stage_visit_user_id"),
        ),
    )
    op.create_index(op.f("ix_meta_eco_approvals_eco_id"), "meta_eco_approvals", ["eco_id"])
    op.create_index(op.f("ix_meta_eco_approvals_stage_id"), "meta_eco_approvals", ["stage_id"])
    op.create_index(op.f("ix_meta_eco_approvals_user_id"), "meta_eco_approvals", ["user_id"])
    op.create_table(
        "meta_eco_events",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("eco_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=True),
        sa.Column("from_value", sa.String(200), nullable=True),
        sa.Column("to_value", sa.String(200), nullable=True),
        sa.Column("data", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["eco_id"], ["meta_ecos.id"], name=op.f("fk_meta_eco_events_eco_id_meta_ecos")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["meta_users.id"],
            name=op.f("fk_meta_eco_events_user_id_meta_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_eco_events")),
        sa.UniqueConstraint("eco_id", "seq", name=op.f("uq_meta_eco_events_eco_id_seq")),
    )
    op.create_index(op.f("ix_meta_eco_events_eco_id"), "meta_eco_events", ["eco_id"])

    now = datetime.now(UTC)
    op.bulk_insert(
        stages,
        [
            {
                "id": str(uuid.uuid4()),
                "approval_type": "none",
                "approval_roles": [],
                "min_approvals": 0,
                "allow_apply": False,
                "is_final": False,
                "fold": False,
                "auto_progress": False,
                "description": None,
                "created_at": now,
                "updated_at": now,
                **stage,
            }
            for stage in DEFAULT_STAGES
        ],
    )


def downgrade() -> None:
    """Drop the eco tables."""
    op.drop_table("meta_eco_events")
    op.drop_table("meta_eco_approvals")
    op.drop_table("meta_ecos")
    op.drop_table("meta_eco_stages")
