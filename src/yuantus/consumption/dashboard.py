"""The dashboard's rows with names, in the asked order; only the asked slice becomes answers."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from yuantus.consumption import dashboard_sql, periods, views
from yuantus.consumption.analysis import Period
from yuantus.consumption.schemas import DashboardRow
from yuantus.consumption.variance import figures
from yuantus.item import service as item_service
from yuantus.item.models import Item

# `-variance`: the worst |delta ratio| first
SORT_FIELDS = ("variance", "item_number", "period")


def rows(
    session: Session,
    *,
    bucket: str,
    item_id: str | None,
    first: date | None,
    last: date | None,
    sort: str,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[DashboardRow], int]:
    """The (material, bucket) rows from offset (all when limit is None) and how many there are."""
    config = item_service.get(session, item_id).config_id if item_id else None
    cells, total = dashboard_sql.cells(
        session,
        bucket=bucket,
        config_id=config,
        first=first,
        last=last,
        sort=sort,
        offset=offset,
        limit=limit,
    )
    current = item_service.current_by_config(session, sorted({c.config_id for c in cells}))
    return [_row(c, current[c.config_id], bucket) for c in cells], total


def _row(cell: dashboard_sql.Cell, item: Item, bucket: str) -> DashboardRow:
    period = Period(
        periods.label(cell.start, bucket),
        cell.start,
        periods.bucket_end(cell.start, bucket),
        figures(cell.planned, cell.actual, cell.under, cell.over),
    )
    return DashboardRow(
        **views.period_figures(period).model_dump(),
        item_config_id=cell.config_id,
        item_id=item.id,
        item_number=item.item_number,
        revision=item.revision,
        item_name=item.name,
        uom=cell.uom,
        plans=cell.plans,
    )
