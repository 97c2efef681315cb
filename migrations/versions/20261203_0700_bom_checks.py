"""bom checks: a BOM line's sequence is an integer within the column's range

Revision ID: 0025_bom_checks
Revises: 0023_login_throttle
Create Date: 2026-12-03 07:00:00

SQLite stores any value in any column: a delta once stored the text "abc" as a sequence,
and every later read of that BOM failed. The check refuses it there (typeof) and bounds
it to the PostgreSQL INTEGER range on both backends. Lines SQLite holds with a text or
float sequence are repaired first: the integer SQLite reads from the value, clamped into
the range (CAST('abc' AS INTEGER) is 0), so the copy into the checked table succeeds.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025_bom_checks"
down_revision: str | None = "0023_login_throttle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "meta_bom_lines"
# the texts of yuantus.bom.models, frozen here as this revision made them
SEQUENCE_MIN, SEQUENCE_MAX = -(2**31), 2**31 - 1
SEQUENCE_RANGE_CHECK = f"sequence BETWEEN {SEQUENCE_MIN} AND {SEQUENCE_MAX}"
SEQUENCE_INTEGER_CHECK = f"typeof(sequence) = 'integer' AND {SEQUENCE_RANGE_CHECK}"


def upgrade() -> None:
    """Repair unreadable sequences (SQLite), then add the check."""
    if op.get_bind().dialect.name != "sqlite":
        op.create_check_constraint(
            op.f("ck_meta_bom_lines_sequence_range"), TABLE, SEQUENCE_RANGE_CHECK
        )
        return
    op.execute(
        f"UPDATE {TABLE} SET sequence = "
        f"max({SEQUENCE_MIN}, min({SEQUENCE_MAX}, CAST(sequence AS INTEGER))) "
        f"WHERE typeof(sequence) <> 'integer' OR sequence NOT BETWEEN {SEQUENCE_MIN} "
        f"AND {SEQUENCE_MAX}"
    )
    with op.batch_alter_table(TABLE) as batch:
        batch.create_check_constraint(
            op.f("ck_meta_bom_lines_sequence_integer"), SEQUENCE_INTEGER_CHECK
        )


def downgrade() -> None:
    """Drop the check."""
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_meta_bom_lines_sequence_range"), TABLE, type_="check")
        return
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(op.f("ck_meta_bom_lines_sequence_integer"), type_="check")
