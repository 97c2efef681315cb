"""The dashboard as one SQL statement: planned and actual per material and bucket, sorted, paged.

The planned side is made in SQL too: each counted plan is unrolled into its days (clipped to
the asked window), the days are grouped per plan, bucket and calendar month, and each group
carries its share of the rate (a day: the rate; a week: n/7 of it; a month: n/days-of-month),
rounded to 6 places per plan and bucket as `periods.planned_between` does. Only the asked page
of cells reaches Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from yuantus.consumption.models import DEFAULT_OVER, DEFAULT_UNDER
from yuantus.core import decimals

# per dialect: SQL pieces over date expressions; {step} is the bucket's length
_STEPS = {
    "sqlite": {"day": "+1 day", "week": "+7 days", "month": "+1 month"},
    "postgresql": {"day": "1 day", "week": "1 week", "month": "1 month"},
}
_SQLITE = {
    "day": "date({d})",
    "week": "date({d}, '-6 days', 'weekday 1')",
    "month": "date({d}, 'start of month')",
    "end": "date({b}, '{step}', '-1 day')",
    "after": "min",
    "before": "max",
    "diff": "CAST(julianday({hi}) - julianday({lo}) AS INTEGER)",
    "dim": "CAST(strftime('%d', date({d}, 'start of month', '+1 month', '-1 day')) AS INTEGER)",
    # every bucket start of each plan, from the one holding its first day (clipped) on
    "spans": """spans(plan_id, b, first_day, last_day) AS (
        SELECT p.id, {start}, max(p.period_start, :first), min(p.period_end, :last)
        FROM meta_consumption_plans p
        WHERE {plans} AND max(p.period_start, :first) <= min(p.period_end, :last)
        UNION ALL
        SELECT plan_id, date(b, '{step}'), first_day, last_day FROM spans
        WHERE date(b, '{step}') <= last_day)""",
    "first": "max(p.period_start, :first)",
    "huge": "1e300",
}
_POSTGRESQL = {
    "day": "({d})",
    "week": "date_trunc('week', ({d})::timestamp)::date",
    "month": "date_trunc('month', ({d})::timestamp)::date",
    "end": "({b} + interval '{step}' - interval '1 day')::date",
    "after": "least",
    "before": "greatest",
    "diff": "({hi} - {lo})",
    "dim": "extract(day from (date_trunc('month', ({d})::timestamp)"
    " + interval '1 month' - interval '1 day'))::int",
    "spans": """spans(plan_id, b, first_day, last_day) AS (
        SELECT p.id, g.b::date, greatest(p.period_start, CAST(:first AS date)),
            least(p.period_end, CAST(:last AS date))
        FROM meta_consumption_plans p CROSS JOIN LATERAL generate_series(
            ({start})::timestamp, least(p.period_end, CAST(:last AS date))::timestamp,
            interval '{step}') AS g(b)
        WHERE {plans})""",
    "first": "greatest(p.period_start, CAST(:first AS date))",
    "huge": "1e300::numeric",
}

_ORDER = {
    # (-variance: the worst |delta ratio| first; nothing planned but used is worst of all)
    "variance": "badness {rev}, c.config_id {dir}, c.b {dir}",
    "item_number": "i.item_number {dir}, c.b {dir}",
    "period": "c.b {dir}, i.item_number {dir}",
}

_SQL = """WITH RECURSIVE {spans},
bounds AS (
    SELECT s.plan_id, s.b, {before}(s.b, s.first_day) AS lo, {after}({end}, s.last_day) AS hi
    FROM spans s),
plan_buckets AS (
    SELECT p.item_config_id AS config_id, p.uom, d.b,
        round(CASE p.period_unit
            WHEN 'day' THEN p.planned_quantity * ({days} + 1)
            WHEN 'week' THEN p.planned_quantity * ({days} + 1) / 7.0
            -- a month rate: a week may straddle two months, each day carrying its own share
            WHEN 'month' THEN CASE WHEN {month_hi} <= d.lo
                THEN p.planned_quantity * ({days} + 1) * 1.0 / {dim_lo}
                ELSE p.planned_quantity * {days_before} * 1.0 / {dim_lo}
                    + p.planned_quantity * ({days_after} + 1) * 1.0 / {dim_hi} END
            END, 6) AS planned,
        p.under_threshold * 1 AS under_t, p.over_threshold * 1 AS over_t
    FROM bounds d JOIN meta_consumption_plans p ON p.id = d.plan_id),
actuals AS (
    SELECT p.item_config_id AS config_id, p.uom, {bucket_r} AS b, sum(r.plan_quantity) AS actual
    FROM meta_consumption_records r JOIN meta_consumption_plans p ON p.id = r.plan_id
    WHERE {plans} AND r.recorded_on >= p.period_start AND r.recorded_on <= p.period_end
        AND r.recorded_on >= :first AND r.recorded_on <= :last
    GROUP BY p.item_config_id, p.uom, {bucket_r}),
both_sides AS (
    SELECT config_id, uom, b, planned, 0 AS actual, 1 AS plans, under_t, over_t
    FROM plan_buckets
    UNION ALL
    SELECT config_id, uom, b, 0, actual, 0, NULL, NULL FROM actuals),
cells AS (
    SELECT config_id, uom, b, sum(planned) AS planned, sum(actual) AS actual,
        sum(plans) AS plans, max(under_t) AS under_t, min(over_t) AS over_t
    FROM both_sides GROUP BY config_id, uom, b)
SELECT c.config_id, c.uom, c.b, c.planned, c.actual, c.plans, c.under_t, c.over_t,
    count(*) OVER () AS total,
    CASE WHEN c.planned > 0 THEN abs(c.actual - c.planned) / c.planned
         WHEN c.actual <> 0 THEN {huge} ELSE 0 END AS badness
FROM cells c JOIN meta_items i ON i.config_id = c.config_id AND i.is_current
ORDER BY {order}
"""

# a window wide enough for any plan: the SQL clips every plan to [first, last]
_EARLIEST, _LATEST = date(1, 1, 1), date(9999, 12, 31)


@dataclass(frozen=True)
class Cell:
    """One material in one bucket, summed across its plans."""

    config_id: str
    uom: str
    start: date
    planned: Decimal
    actual: Decimal
    plans: int
    under: Decimal
    over: Decimal


def _sql(dialect: str, bucket: str, config_id: str | None, sort: str, paged: bool) -> str:
    parts = _POSTGRESQL if dialect == "postgresql" else _SQLITE
    plans = "p.state IN ('active', 'closed')"
    if config_id:
        plans += " AND p.item_config_id = :config_id"
    field, descending = sort.lstrip("-"), sort.startswith("-")
    if field == "variance":
        # worst first with ties in ascending order; the reverse order reverses all of it
        order = _ORDER[field].format(
            rev="DESC" if descending else "ASC", dir="ASC" if descending else "DESC"
        )
    else:
        order = _ORDER[field].format(dir="DESC" if descending else "ASC")
    step = _STEPS["postgresql" if dialect == "postgresql" else "sqlite"][bucket]
    month_hi = parts["month"].format(d="d.hi")
    sql = _SQL.format(
        spans=parts["spans"].format(
            start=parts[bucket].format(d=parts["first"]), plans=plans, step=step
        ),
        before=parts["before"],
        after=parts["after"],
        end=parts["end"].format(b="s.b", step=step),
        days=parts["diff"].format(lo="d.lo", hi="d.hi"),
        days_before=parts["diff"].format(lo="d.lo", hi=month_hi),
        days_after=parts["diff"].format(lo=month_hi, hi="d.hi"),
        month_hi=month_hi,
        dim_lo=parts["dim"].format(d="d.lo"),
        dim_hi=parts["dim"].format(d="d.hi"),
        bucket_r=parts[bucket].format(d="r.recorded_on"),
        plans=plans,
        huge=parts["huge"],
        order=order,
    )
    return sql + (" LIMIT :limit OFFSET :offset" if paged else "")


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _decimal(value: Any) -> Decimal:
    """A SQL figure as an exact decimal: NUMERIC on PostgreSQL; on SQLite a double, to 6 places."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)).quantize(decimals.QUANTUM, rounding=ROUND_HALF_UP)


def cells(
    session: Session,
    *,
    bucket: str,
    config_id: str | None,
    first: date | None,
    last: date | None,
    sort: str,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Cell], int]:
    """The asked page of cells (all from offset when limit is None) and how many there are."""
    dialect = session.get_bind().dialect.name
    params: dict[str, Any] = {
        "first": first or _EARLIEST,
        "last": last or _LATEST,
        "config_id": config_id,
        "offset": offset,
        # SQLite and PostgreSQL both take -1/NULL poorly across versions: page explicitly
        "limit": limit if limit is not None else 2**62,
    }
    if dialect == "postgresql":
        # JIT compiling this statement's ~100 expressions took longer (~3 s) than running it
        session.execute(text("SELECT set_config('jit', 'off', true)"))
    else:
        params["first"], params["last"] = params["first"].isoformat(), params["last"].isoformat()
    rows = session.execute(text(_sql(dialect, bucket, config_id, sort, True)), params).all()
    total = int(rows[0].total) if rows else _count_without_page(session, dialect, bucket, params)
    out = [
        Cell(
            row.config_id,
            row.uom,
            _day(row.b),
            _decimal(row.planned),
            _decimal(row.actual),
            int(row.plans),
            _decimal(row.under_t) if row.under_t is not None else DEFAULT_UNDER,
            _decimal(row.over_t) if row.over_t is not None else DEFAULT_OVER,
        )
        for row in rows
    ]
    return out, total


def _count_without_page(session: Session, dialect: str, bucket: str, params: dict[str, Any]) -> int:
    """The number of cells when the asked page lies past the end (the window count is absent)."""
    if params["offset"] == 0:
        return 0
    probe = {**params, "offset": 0, "limit": 1}
    sql = _sql(dialect, bucket, params["config_id"], "period", True)
    row = session.execute(text(sql), probe).first()
    return int(row.total) if row else 0
