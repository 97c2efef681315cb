"""Variance per plan and the dashboard per material: actuals summed in SQL, GROUP BY bucket."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Date, cast, func, literal_column, select
from sqlalchemy.orm import Session

from yuantus.consumption import periods
from yuantus.consumption.models import (
    DEFAULT_OVER,
    DEFAULT_UNDER,
    ConsumptionPlan,
    ConsumptionRecord,
)
from yuantus.consumption.variance import Figures, figures
from yuantus.core import decimals

Record = ConsumptionRecord
Plan = ConsumptionPlan
_ZERO = Decimal(0)


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


def _in_period() -> ColumnElement[bool]:
    return (Record.recorded_on >= Plan.period_start) & (Record.recorded_on <= Plan.period_end)


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


@dataclass(frozen=True)
class DashboardFilter:
    """The material, the days and the bucket of the dashboard."""

    bucket: str
    config_id: str | None = None
    first: date | None = None
    last: date | None = None


class DashboardCell(NamedTuple):
    """One material in one bucket, summed across plans (figures are made for answers only)."""

    config_id: str
    uom: str
    start: date
    planned: Decimal
    actual: Decimal
    plans: int
    under: Decimal
    over: Decimal

    def period(self, bucket: str) -> Period:
        """The cell's figures, label and days."""
        return Period(
            periods.label(self.start, bucket),
            self.start,
            periods.bucket_end(self.start, bucket),
            figures(self.planned, self.actual, self.under, self.over),
        )


def _counted(where: DashboardFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [Plan.state.in_(("active", "closed"))]
    if where.config_id:
        conds.append(Plan.item_config_id == where.config_id)
    return conds


def dashboard_actuals(
    session: Session, where: DashboardFilter
) -> dict[tuple[str, str, date], Decimal]:
    """SUM of the records in their plan's period per (material, uom, bucket): one GROUP BY."""
    expr = bucket_sql(session.get_bind().dialect.name, where.bucket).label("b")
    conds = [*_counted(where), _in_period()]
    if where.first:
        conds.append(Record.recorded_on >= where.first)
    if where.last:
        conds.append(Record.recorded_on <= where.last)
    query = (
        select(Plan.item_config_id, Plan.uom, expr, func.sum(Record.plan_quantity))
        .select_from(Record)
        .join(Plan, Plan.id == Record.plan_id)
        .where(*conds)
        .group_by(Plan.item_config_id, Plan.uom, literal_column("b"))
    )
    return {(c, u, _day(b)): _exact(s) for c, u, b, s in session.execute(query)}


def _plans(session: Session, where: DashboardFilter) -> Sequence[Any]:
    """The counted plans as plain rows (no ORM objects: the dashboard reads thousands)."""
    conds = _counted(where)
    if where.first:
        conds.append(Plan.period_end >= where.first)
    if where.last:
        conds.append(Plan.period_start <= where.last)
    query = select(
        Plan.item_config_id,
        Plan.uom,
        Plan.period_unit,
        Plan.period_start,
        Plan.period_end,
        Plan.planned_quantity,
        Plan.under_threshold,
        Plan.over_threshold,
    ).where(*conds)
    return session.execute(query).all()


def dashboard(session: Session, where: DashboardFilter) -> list[DashboardCell]:
    """Planned (from the plans) and actual (SQL sums) per material, uom and bucket."""
    actuals = dashboard_actuals(session, where)
    planned: dict[tuple[str, str, date], Decimal] = {}
    plan_count: dict[tuple[str, str, date], int] = {}
    limits: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    bucket = where.bucket
    for config_id, uom, unit, p_start, p_end, rate, under, over in _plans(session, where):
        first = max(p_start, where.first or p_start)
        last = min(p_end, where.last or p_end)
        limits.setdefault((config_id, uom), (under, over))
        for start, end in periods.buckets(first, last, bucket):
            key = (config_id, uom, start)
            share = periods.planned_between(rate, unit, max(start, first), min(end, last))
            planned[key] = planned.get(key, _ZERO) + share
            plan_count[key] = plan_count.get(key, 0) + 1
    cells = []
    default = (DEFAULT_UNDER, DEFAULT_OVER)
    for key in planned.keys() | actuals.keys():
        config_id, uom, start = key
        under, over = limits.get((config_id, uom), default)
        cells.append(
            DashboardCell(
                config_id,
                uom,
                start,
                planned.get(key, _ZERO),
                actuals.get(key, _ZERO),
                plan_count.get(key, 0),
                under,
                over,
            )
        )
    return cells


def worst_first(cell: DashboardCell) -> tuple[float, str, date]:
    """Sort key: the largest |delta ratio| first (nothing planned but used: first of all)."""
    if cell.planned > 0:
        badness = abs(float(cell.actual - cell.planned) / float(cell.planned))
    else:
        badness = math.inf if cell.actual else 0.0
    return (-badness, cell.config_id, cell.start)
