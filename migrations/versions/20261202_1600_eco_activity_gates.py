"""ECO activity gates: meta_eco_activity_gates, their events, stage activity templates

Revision ID: 0020_eco_activity_gates
Revises: 0019_item_search
Create Date: 2026-12-02 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from yuantus.core.db import JSONType, UTCDateTime

revision: str = "0020_eco_activity_gates"
down_revision: str | None = "0019_item_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the activity tables; existing stages get no templates."""
    op.create_table(
        "meta_eco_activity_gates",
        sa.Column("eco_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("is_blocking", sa.Boolean(), nullable=False),
        sa.Column("depends_on", JSONType, nullable=False),
        sa.Column("assignee_id", sa.String(length=36), nullable=True),
        sa.Column("assignee_role", sa.String(length=32), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("properties", JSONType, nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=36), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("stage_id", sa.String(length=36), nullable=True),
        sa.Column("stage_visit", sa.Integer(), nullable=True),
        sa.Column("template_name", sa.String(length=200), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["meta_users.id"],
            name=op.f("fk_meta_eco_activity_gates_assignee_id_meta_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_eco_activity_gates_closed_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_eco_activity_gates_created_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["eco_id"], ["meta_ecos.id"], name=op.f("fk_meta_eco_activity_gates_eco_id_meta_ecos")
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"],
            ["meta_eco_stages.id"],
            name=op.f("fk_meta_eco_activity_gates_stage_id_meta_eco_stages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_eco_activity_gates")),
        sa.UniqueConstraint(
            "eco_id",
            "stage_id",
            "stage_visit",
            "template_name",
            name=op.f("uq_meta_eco_activity_gates_eco_id_stage_id_stage_visit_template_name"),
        ),
    )
    with op.batch_alter_table("meta_eco_activity_gates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meta_eco_activity_gates_assignee_id"), ["assignee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meta_eco_activity_gates_assignee_role"), ["assignee_role"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meta_eco_activity_gates_eco_id"), ["eco_id"], unique=False
        )
        batch_op.create_index(
            "ix_meta_eco_activity_gates_eco_status", ["eco_id", "status"], unique=False
        )

    op.create_table(
        "meta_eco_activity_gate_events",
        sa.Column("eco_id", sa.String(length=36), nullable=False),
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["meta_eco_activity_gates.id"],
            name=op.f("fk_meta_eco_activity_gate_events_activity_id_meta_eco_activity_gates"),
        ),
        sa.ForeignKeyConstraint(
            ["eco_id"],
            ["meta_ecos.id"],
            name=op.f("fk_meta_eco_activity_gate_events_eco_id_meta_ecos"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["meta_users.id"],
            name=op.f("fk_meta_eco_activity_gate_events_user_id_meta_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_eco_activity_gate_events")),
        sa.UniqueConstraint(
            "eco_id", "seq", name=op.f("uq_meta_eco_activity_gate_events_eco_id_seq")
        ),
    )
    with op.batch_alter_table("meta_eco_activity_gate_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meta_eco_activity_gate_events_activity_id"),
            ["activity_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_meta_eco_activity_gate_events_eco_id"), ["eco_id"], unique=False
        )

    with op.batch_alter_table("meta_eco_stages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "activity_templates", JSONType, nullable=False, server_default=sa.text("'[]'")
            )
        )


def downgrade() -> None:
    """Drop the activity tables and the stage templates."""
    with op.batch_alter_table("meta_eco_stages", schema=None) as batch_op:
        batch_op.drop_column("activity_templates")

    with op.batch_alter_table("meta_eco_activity_gate_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meta_eco_activity_gate_events_eco_id"))
        batch_op.drop_index(batch_op.f("ix_meta_eco_activity_gate_events_activity_id"))

    op.drop_table("meta_eco_activity_gate_events")
    with op.batch_alter_table("meta_eco_activity_gates", schema=None) as batch_op:
        batch_op.drop_index("ix_meta_eco_activity_gates_eco_status")
        batch_op.drop_index(batch_op.f("ix_meta_eco_activity_gates_eco_id"))
        batch_op.drop_index(batch_op.f("ix_meta_eco_activity_gates_assignee_role"))
        batch_op.drop_index(batch_op.f("ix_meta_eco_activity_gates_assignee_id"))

    op.drop_table("meta_eco_activity_gates")
