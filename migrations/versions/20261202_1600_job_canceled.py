"""jobs: one spelling of canceled (was cancelled) in stored rows and the status CHECK

Revision ID: 0018_job_canceled
Revises: 0017_workorder_doc_packs
Create Date: 2026-12-02 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_job_canceled"
down_revision: str | None = "0017_workorder_doc_packs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "meta_conversion_jobs"
CHECK_NAME = "ck_meta_conversion_jobs_status"
STATES = "'pending', 'processing', 'completed', 'failed'"
NEW_CHECK = f"status IN ({STATES}, 'canceled')"
OLD_CHECK = f"status IN ({STATES}, 'cancelled')"


def upgrade() -> None:
    """Swap the CHECK and rename the stored value cancelled -> canceled."""
    _swap(OLD_CHECK, NEW_CHECK, "cancelled", "canceled")


def downgrade() -> None:
    """Back to the old spelling."""
    _swap(NEW_CHECK, OLD_CHECK, "canceled", "cancelled")


def _swap(old_check: str, new_check: str, old_value: str, new_value: str) -> None:
    # SQLite keeps CHECKs in the table's DDL: batch mode rebuilds the table (and its indexes)
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(op.f(CHECK_NAME), type_="check")
    op.execute(
        sa.text(f"UPDATE {TABLE} SET status = :new WHERE status = :old").bindparams(
            new=new_value, old=old_value
        )
    )
    with op.batch_alter_table(TABLE) as batch:
        batch.create_check_constraint(op.f(CHECK_NAME), sa.text(new_check))
