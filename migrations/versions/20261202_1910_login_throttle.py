"""login throttle and credential epochs: meta_login_throttle, meta_users.credentials_epoch

Revision ID: 0023_login_throttle
Revises: 0021_consumption_plans
Create Date: 2026-12-02 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from yuantus.core.db import UTCDateTime

revision: str = "0023_login_throttle"
down_revision: str | None = "0021_consumption_plans"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the throttle table; give every user credentials epoch 0."""
    op.create_table(
        "meta_login_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", UTCDateTime(), nullable=False),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_meta_login_throttle")),
    )
    with op.batch_alter_table("meta_users") as batch:
        batch.add_column(
            sa.Column("credentials_epoch", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    """Drop both."""
    with op.batch_alter_table("meta_users") as batch:
        batch.drop_column("credentials_epoch")
    op.drop_table("meta_login_throttle")
