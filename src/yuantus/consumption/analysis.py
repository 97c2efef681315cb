"""Variance per plan: actuals summed in SQL per bucket, planned prorated per bucket."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, Date, cast, func, literal_column, select
from sqlalchemy.orm import Session

from yuantus.consumption import periods
from yuantus.consumption.models import ConsumptionPlan, ConsumptionRecord
from yuantus.consumption.variance import Figures, figures
from yuantus.core import decimals

Record = ConsumptionRecord
Plan = ConsumptionPlan


def bucket_sql(dialect: str, bucket: str) -> ColumnElement[Any]:
    """The first day of a record's bucket in SQL: the day, its ISO week's Monday, the 1st."""
    day = Record.recorded_on
    if dialect == "postgresql":
        if bucket == "day":
            return day.expression
        return cast(func.date_trunc(bucket, day), Date)
    if bucket == "week":
        # SQLite: the Monday on or before the day
        return func.date(day, "-6 days", "weekday 1")
    if bucket == "month":
        return func.strftime("%Y-%m-01", day)
    return func.date(day)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _exact(value: Any) -> Decimal:
    """A SQL SUM as an exact decimal: NUMERIC on PostgreSQL; on SQLite a double, to 6 places."""
    if value is None:
        return Decimal(0)
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    return number.quantize(decimals.QUANTUM, rounding=ROUND_HALF_UP)


def plan_actuals(session: Session, plan: Plan, bucket: str) -> dict[date, Decimal]:
    """A plan's actuals per bucket start; records outside its period are left out."""
    expr = bucket_sql(session.get_bind().dialect.name, bucket).label("b")
    query = (
        select(expr, func.sum(Record.plan_quantity))
        .where(
            Record.plan_id == plan.id,
            Record.recorded_on >= plan.period_start,
            Record.recorded_on <= plan.period_end,
        )
        .group_by(literal_column("b"))
    )
    return {_day(b): _exact(total) for b, total in session.execute(query)}


@dataclass(frozen=True)
class Period:
    """One bucket's figures."""

    label: str
    start: date
    end: date
    figures: Figures


def plan_periods(
    plan: Plan,
    bucket: str,
    actuals: dict[date, Decimal],
    *,
    planned_quantity: Decimal | None = None,
    window: tuple[date, date] | None = None,
    period_unit: str | None = None,
) -> list[Period]:
    """Planned (prorated by day) against actual for each bucket of the plan's period."""
    span = window or (plan.period_start, plan.period_end)
    rate = plan.planned_quantity if planned_quantity is None else planned_quantity
    out = []
    for start, end in periods.buckets(span[0], span[1], bucket):
        inside = periods.overlap((start, end), span)
        if inside is None:
            continue
        planned = periods.planned_between(rate, period_unit or plan.period_unit, *inside)
        actual = actuals.get(start, Decimal(0))
        out.append(
            Period(
                periods.label(start, bucket),
                start,
                end,
                figures(planned, actual, plan.under_threshold, plan.over_threshold),
            )
        )
    return out


def total(items: Sequence[Period], under: Decimal, over: Decimal, bucket: str) -> Period:
    """The sum of the periods as one figure."""
    planned = sum((p.figures.planned for p in items), Decimal(0))
    actual = sum((p.figures.actual for p in items), Decimal(0))
    start = items[0].start if items else date.min
    end = items[-1].end if items else date.min
    return Period("total", start, end, figures(planned, actual, under, over))
