"""audit scope: meta_audit_events.scope_id, the history a row belongs to (an item's config)

Revision ID: 0011_audit_scope
Revises: 0010_eco_target_lock
Create Date: 2026-12-02 06:27:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_audit_scope"
down_revision: str | None = "0010_eco_target_lock"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("meta_audit_events", sa.Column("scope_id", sa.String(64), nullable=True))
    op.create_index("ix_meta_audit_events_scope", "meta_audit_events", ["scope_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_meta_audit_events_scope", table_name="meta_audit_events")
    with op.batch_alter_table("meta_audit_events") as batch:
        batch.drop_column("scope_id")
