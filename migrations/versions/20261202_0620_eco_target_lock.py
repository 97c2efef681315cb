"""eco target lock and approval digests: meta_ecos.locked_since_visit,
meta_eco_approvals.content_digest

Revision ID: 0010_eco_target_lock
Revises: 0009_exact_quantities
Create Date: 2026-12-02 05:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_eco_target_lock"
down_revision: str | None = "0009_exact_quantities"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the lock state and the digest columns; lock targets of ECOs under review now."""
    with op.batch_alter_table("meta_ecos") as batch:
        batch.add_column(sa.Column("locked_since_visit", sa.Integer(), nullable=True))
    with op.batch_alter_table("meta_eco_approvals") as batch:
        batch.add_column(sa.Column("content_digest", sa.String(64), nullable=True))
    # open ECOs already in a stage with approvals (or approved) hold their target from now
    op.execute(
        """
        UPDATE meta_ecos SET locked_since_visit = stage_visit
        WHERE state NOT IN ('done', 'canceled')
          AND (state = 'approved'
               OR stage_id IN (SELECT id FROM meta_eco_stages WHERE approval_type <> 'none'))
        """
    )


def downgrade() -> None:
    """Drop the lock state and the digest columns."""
    with op.batch_alter_table("meta_eco_approvals") as batch:
        batch.drop_column("content_digest")
    with op.batch_alter_table("meta_ecos") as batch:
        batch.drop_column("locked_since_visit")
