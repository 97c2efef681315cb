"""exact quantities: BOM, work-order, time and rate columns become exact decimals

Revision ID: 0009_exact_quantities
Revises: 20261202_0535_doclinks
Create Date: 2026-12-02 06:04:00

PostgreSQL: the float columns become NUMERIC(18, 6), rounded to 6 places. SQLite: the
columns become TEXT holding the canonical decimal (see yuantus.core.decimals), each stored
float rewritten as its value rounded to 6 places ("0.1", not 0.1000000000000000055...).
"""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from alembic import op

from yuantus.core.decimals import EXACT, QUANTUM, ExactDecimal, to_str

revision: str = "0009_exact_quantities"
down_revision: str | None = "20261202_0535_doclinks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> its columns that hold exact decimals now
COLUMNS: dict[str, tuple[str, ...]] = {
    "meta_bom_lines": ("quantity",),
    "meta_workcenters": ("capacity_per_day", "efficiency", "cost_rate"),
    "meta_operations": ("setup_time", "run_time"),
    "meta_workorders": ("quantity",),
}


def _old_type(table: str) -> sa.types.TypeEngine[object]:
    # the work-order quantity was NUMERIC(18, 6) already; everything else was a float
    return sa.Numeric(18, 6) if table == "meta_workorders" else sa.Float()


def _canonical(value: object) -> str:
    number = Decimal(str(value))
    return to_str(number.quantize(QUANTUM, rounding=ROUND_HALF_UP, context=EXACT))


def upgrade() -> None:
    """Alter the columns to exact decimals, rounding stored floats to 6 places."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, columns in COLUMNS.items():
        if not sqlite:
            for column in columns:
                if table == "meta_workorders":
                    continue  # NUMERIC(18, 6) on PostgreSQL already
                op.alter_column(
                    table,
                    column,
                    type_=ExactDecimal(),
                    existing_type=_old_type(table),
                    existing_nullable=False,
                    postgresql_using=f"round({column}::numeric, 6)",
                )
            continue
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column,
                    type_=ExactDecimal(),
                    existing_type=_old_type(table),
                    existing_nullable=False,
                )
        _rewrite_canonical(table, columns)


def _rewrite_canonical(table: str, columns: tuple[str, ...]) -> None:
    """SQLite copied the floats as their text ("3.0", "1.0e-07"): store the canonical text."""
    bind = op.get_bind()
    names = ", ".join(columns)
    rows = bind.execute(sa.text(f"SELECT id, {names} FROM {table}")).all()
    for row in rows:
        values = {c: _canonical(v) for c, v in zip(columns, row[1:], strict=True)}
        if any(values[c] != v for c, v in zip(columns, row[1:], strict=True)):
            sets = ", ".join(f"{c} = :{c}" for c in columns)
            bind.execute(
                sa.text(f"UPDATE {table} SET {sets} WHERE id = :id"), {"id": row[0], **values}
            )


def downgrade() -> None:
    """Back to floats (and the work-order quantity to plain NUMERIC(18, 6))."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, columns in COLUMNS.items():
        if not sqlite:
            for column in columns:
                if table == "meta_workorders":
                    continue
                op.alter_column(
                    table,
                    column,
                    type_=_old_type(table),
                    existing_type=ExactDecimal(),
                    existing_nullable=False,
                    postgresql_using=f"{column}::double precision",
                )
            continue
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column,
                    type_=_old_type(table),
                    existing_type=ExactDecimal(),
                    existing_nullable=False,
                )
