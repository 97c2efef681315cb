"""effectivity: meta_items.effective_from, when a revision became (or becomes) current

Revision ID: 0008_effectivity
Revises: 0007_audit
Create Date: 2026-12-02 04:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from yuantus.core.db import UTCDateTime

revision: str = "0008_effectivity"
down_revision: str | None = "0007_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("meta_items", sa.Column("effective_from", UTCDateTime(), nullable=True))
    # every release so far was immediate: it took effect when it was released
    op.execute("UPDATE meta_items SET effective_from = released_at WHERE released_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("meta_items") as batch:
        batch.drop_column("effective_from")
