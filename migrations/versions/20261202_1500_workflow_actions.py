"""workflow custom actions: meta_workflow_custom_action_rules and _runs

Revision ID: 0015_workflow_actions
Revises: 0014_events_webhooks
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from yuantus.core.db import JSONType, UTCDateTime

revision: str = "0015_workflow_actions"
down_revision: str | None = "0014_events_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the rule and run tables."""
    op.create_table(
        "meta_workflow_custom_action_rules",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("target_object", sa.String(length=8), nullable=False),
        sa.Column("from_state", sa.String(length=100), nullable=True),
        sa.Column("to_state", sa.String(length=100), nullable=True),
        sa.Column("trigger_phase", sa.String(length=8), nullable=False),
        sa.Column("action_type", sa.String(length=32), nullable=False),
        sa.Column(
            "action_params",
            JSONType,
            nullable=False,
        ),
        sa.Column("fail_strategy", sa.String(length=8), nullable=False),
        sa.Column("max_retries", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("timeout_s", sa.Float(), nullable=False),
        sa.Column("is_enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.CheckConstraint(
            "action_type IN ('emit_event', 'create_job', 'set_eco_priority')",
            name=op.f("ck_meta_workflow_custom_action_rules_action_type"),
        ),
        sa.CheckConstraint(
            "fail_strategy IN ('block', 'warn', 'retry')",
            name=op.f("ck_meta_workflow_custom_action_rules_fail_strategy"),
        ),
        sa.CheckConstraint(
            "target_object IN ('ECO', 'ITEM')",
            name=op.f("ck_meta_workflow_custom_action_rules_target_object"),
        ),
        sa.CheckConstraint(
            "trigger_phase IN ('before', 'after')",
            name=op.f("ck_meta_workflow_custom_action_rules_trigger_phase"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_workflow_custom_action_rules")),
        sa.UniqueConstraint("name", name=op.f("uq_meta_workflow_custom_action_rules_name")),
    )
    with op.batch_alter_table("meta_workflow_custom_action_rules", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meta_workflow_custom_action_rules_match",
            ["target_object", "trigger_phase"],
            unique=False,
        )

    op.create_table(
        "meta_workflow_custom_action_runs",
        sa.Column("rule_id", sa.String(length=36), nullable=False),
        sa.Column("rule_name", sa.String(length=100), nullable=False),
        sa.Column("object_type", sa.String(length=8), nullable=False),
        sa.Column("object_id", sa.String(length=36), nullable=False),
        sa.Column("from_state", sa.String(length=100), nullable=True),
        sa.Column("to_state", sa.String(length=100), nullable=True),
        sa.Column("phase", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("result_code", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column(
            "result",
            JSONType,
            nullable=False,
        ),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.CheckConstraint(
            "result_code IN ('OK', 'WARN', 'RETRY_EXHAUSTED', 'BLOCK', 'TIMEOUT')",
            name=op.f("ck_meta_workflow_custom_action_runs_result_code"),
        ),
        sa.CheckConstraint(
            "status IN ('completed', 'warning', 'failed')",
            name=op.f("ck_meta_workflow_custom_action_runs_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_workflow_custom_action_runs")),
    )
    with op.batch_alter_table("meta_workflow_custom_action_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meta_workflow_custom_action_runs_object", ["object_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_meta_workflow_custom_action_runs_rule", ["rule_id", "created_at"], unique=False
        )


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("meta_workflow_custom_action_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_meta_workflow_custom_action_runs_rule")
        batch_op.drop_index("ix_meta_workflow_custom_action_runs_object")

    op.drop_table("meta_workflow_custom_action_runs")
    with op.batch_alter_table("meta_workflow_custom_action_rules", schema=None) as batch_op:
        batch_op.drop_index("ix_meta_workflow_custom_action_rules_match")

    op.drop_table("meta_workflow_custom_action_rules")
