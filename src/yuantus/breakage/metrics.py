"""Breakage metrics in SQL: counts, repeats, hotspots and the daily trend (GROUP BY only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Integer, cast, func, literal_column, select
from sqlalchemy.orm import Session

from yuantus.breakage.models import BreakageIncident as Incident
from yuantus.breakage.schemas import BreakageMetrics, CountRow, Hotspot, MetricsGroup, TrendPoint
from yuantus.breakage.service import BreakageFilter, conditions
from yuantus.core.pagination import PageParams
from yuantus.item import service as item_service

GroupBy = Literal["product", "component", "batch_code", "responsibility", "failure_mode"]
GROUP_COLUMNS: dict[str, Any] = {
    "product": Incident.product_config_id,
    "component": Incident.component_config_id,
    "batch_code": Incident.batch_code,
    "responsibility": Incident.responsibility,
    "failure_mode": Incident.failure_mode,
}
_LABELS: dict[str, Any] = {
    "product": Incident.product_number,
    "component": Incident.component_number,
}
GROUP_SORTS = ("count", "-count", "repeat_rate", "-repeat_rate", "latest", "-latest", "key", "-key")


def _counts(session: Session, column: Any, where: list[ColumnElement[bool]]) -> list[CountRow]:
    """Incidents per value of a column, most first (ties by value); null values as "none"."""
    key = func.coalesce(column, "none")
    rows = session.execute(
        select(key, func.count())
        .select_from(Incident)
        .where(*where)
        .group_by(key)
        .order_by(func.count().desc(), key)
    )
    return [CountRow(key=str(k), count=int(n)) for k, n in rows]


def _repeats(session: Session, where: list[ColumnElement[bool]]) -> tuple[int, int]:
    """(incidents in a repeated product + signature, how many such pairs)."""
    groups = (
        select(func.count().label("n"))
        .select_from(Incident)
        .where(*where)
        .group_by(Incident.product_config_id, Incident.signature)
        .having(func.count() > 1)
        .subquery()
    )
    events, pairs = session.execute(
        select(func.coalesce(func.sum(groups.c.n), 0), func.count())
    ).one()
    return int(events), int(pairs)


def _hotspots(
    session: Session, where: list[ColumnElement[bool]], total: int, top: int
) -> list[Hotspot]:
    """The top components by incident count, each with its current revision and name."""
    rows = session.execute(
        select(Incident.component_config_id, Incident.component_number, func.count())
        .where(*where)
        .group_by(Incident.component_config_id, Incident.component_number)
        .order_by(func.count().desc(), Incident.component_number)
        .limit(top)
    ).all()
    current = item_service.current_by_config(session, [config for config, _n, _c in rows])
    out = []
    for config, number, count in rows:
        item = current.get(config)
        out.append(
            Hotspot(
                component_item_id=item.id if item else None,
                component_config_id=config,
                item_number=number,
                name=item.name if item else None,
                count=int(count),
                share=round(int(count) / total, 4) if total else 0.0,
            )
        )
    return out


def _trend(session: Session, where: list[ColumnElement[bool]]) -> list[TrendPoint]:
    rows = session.execute(
        select(Incident.occurred_on, func.count())
        .where(*where)
        .group_by(Incident.occurred_on)
        .order_by(Incident.occurred_on)
    )
    return [TrendPoint(day=day, count=int(n)) for day, n in rows]


def metrics(session: Session, where: BreakageFilter, top: int = 10) -> BreakageMetrics:
    """Every metric over the incidents matching the filter."""
    conds = conditions(session, where)
    total = int(session.scalar(select(func.count()).select_from(Incident).where(*conds)) or 0)
    events, pairs = _repeats(session, conds)
    return BreakageMetrics(
        total=total,
        repeated_failure_rate=round(events / total, 4) if total else 0.0,
        repeated_event_count=events,
        repeated_signature_count=pairs,
        hotspot_components=_hotspots(session, conds, total, top),
        by_status=_counts(session, Incident.status, conds),
        by_severity=_counts(session, Incident.severity, conds),
        by_responsibility=_counts(session, Incident.responsibility, conds),
        by_failure_mode=_counts(session, Incident.failure_mode, conds),
        trend=_trend(session, conds),
    )


def groups(
    session: Session, where: BreakageFilter, group_by: str, sort: str, page: PageParams
) -> tuple[list[MetricsGroup], int]:
    """Counts, repeats and the latest occurrence per group, one page, in the asked order."""
    conds = conditions(session, where)
    key = func.coalesce(GROUP_COLUMNS[group_by], "none")
    # per product + signature, how many incidents share it: a repeat is a count above one
    pair_size = (
        func.count()
        .over(partition_by=(Incident.product_config_id, Incident.signature))
        .label("pair_size")
    )
    label_column = _LABELS.get(group_by, GROUP_COLUMNS[group_by])
    base = (
        select(
            key.label("key"),
            label_column.label("label"),
            Incident.occurred_at.label("occurred_at"),
            pair_size,
        )
        .where(*conds)
        .subquery()
    )
    count = func.count().label("count")
    repeated = func.sum(cast(base.c.pair_size > 1, Integer)).label("repeated")
    latest = func.max(base.c.occurred_at).label("latest")
    rate = (repeated * literal_column("1.0") / count).label("rate")
    order: dict[str, Any] = {
        "count": count,
        "repeat_rate": rate,
        "latest": latest,
        "key": base.c.key,
    }
    field = sort.removeprefix("-")
    column = order[field]
    grouped = select(base.c.key, func.max(base.c.label), count, repeated, latest, rate).group_by(
        base.c.key
    )
    total = int(session.scalar(select(func.count()).select_from(grouped.subquery())) or 0)
    direction = column.desc() if sort.startswith("-") else column.asc()
    ordered = grouped.order_by(direction, func.max(base.c.label), base.c.key)
    rows = session.execute(ordered.limit(page.limit).offset(page.offset)).all()
    out = [
        MetricsGroup(
            key=str(k),
            label=str(lbl) if lbl is not None else None,
            count=int(n),
            repeated_count=int(r or 0),
            repeat_rate=round(float(r or 0) / int(n), 4),
            latest_occurred_at=_aware(last),
        )
        for k, lbl, n, r, last, _rate in rows
    ]
    return out, total


def _aware(value: Any) -> datetime:
    """A max() over a UTCDateTime column comes back naive on SQLite (no type on aggregates)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    moment: datetime = value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
