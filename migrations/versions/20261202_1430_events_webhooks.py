"""events and webhooks: meta_events (append-only), webhook subscriptions and deliveries

Revision ID: 0014_events_webhooks
Revises: 0013_breakage_incidents
Create Date: 2026-12-02 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from yuantus.core.db import JSONType, UTCDateTime

revision: str = "0014_events_webhooks"
down_revision: str | None = "0013_breakage_incidents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the event log and the webhook tables."""
    op.create_table(
        "meta_events",
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=True),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column(
            "payload",
            JSONType,
            nullable=False,
        ),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("actor_name", sa.String(length=100), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_events")),
    )
    with op.batch_alter_table("meta_events", schema=None) as batch_op:
        batch_op.create_index("ix_meta_events_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_meta_events_object", ["object_type", "object_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_meta_events_type_created_at", ["type", "created_at"], unique=False
        )

    op.create_table(
        "meta_webhook_subscriptions",
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column(
            "event_types",
            JSONType,
            nullable=False,
        ),
        sa.Column("secret_ciphertext", sa.Text(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["meta_users.id"],
            name=op.f("fk_meta_webhook_subscriptions_created_by_meta_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_webhook_subscriptions")),
    )
    op.create_table(
        "meta_webhook_deliveries",
        sa.Column("subscription_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_response_ms", sa.Double(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("redelivery_of", sa.String(length=36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["meta_events.id"],
            name=op.f("fk_meta_webhook_deliveries_event_id_meta_events"),
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["meta_webhook_subscriptions.id"],
            name=op.f("fk_meta_webhook_deliveries_subscription_id_meta_webhook_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_webhook_deliveries")),
    )
    with op.batch_alter_table("meta_webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meta_webhook_deliveries_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            "ix_meta_webhook_deliveries_sub", ["subscription_id", "created_at"], unique=False
        )


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("meta_webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_meta_webhook_deliveries_sub")
        batch_op.drop_index(batch_op.f("ix_meta_webhook_deliveries_event_id"))

    op.drop_table("meta_webhook_deliveries")
    op.drop_table("meta_webhook_subscriptions")
    with op.batch_alter_table("meta_events", schema=None) as batch_op:
        batch_op.drop_index("ix_meta_events_type_created_at")
        batch_op.drop_index("ix_meta_events_object")
        batch_op.drop_index("ix_meta_events_created_at")

    op.drop_table("meta_events")
