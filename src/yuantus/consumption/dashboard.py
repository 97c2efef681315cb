"""The dashboard's rows with names, in the asked order; only the asked slice becomes answers."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from yuantus.consumption import analysis, views
from yuantus.consumption.schemas import DashboardRow
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
    where = analysis.DashboardFilter(bucket=bucket, config_id=config, first=first, last=last)
    cells = analysis.dashboard(session, where)
    current = item_service.current_by_config(session, sorted({c.config_id for c in cells}))
    field, descending = sort.lstrip("-"), sort.startswith("-")
    if field == "variance":
        # "-variance": the worst first
        cells.sort(key=analysis.worst_first, reverse=not descending)
    elif field == "item_number":
        cells.sort(key=lambda c: (current[c.config_id].item_number, c.start), reverse=descending)
    else:
        cells.sort(key=lambda c: (c.start, current[c.config_id].item_number), reverse=descending)
    chosen = cells[offset:] if limit is None else cells[offset : offset + limit]
    return [_row(c, current[c.config_id], bucket) for c in chosen], len(cells)


def _row(cell: analysis.DashboardCell, item: Item, bucket: str) -> DashboardRow:
    figures = views.period_figures(cell.period(bucket))
    return DashboardRow(
        **figures.model_dump(),
        item_config_id=cell.config_id,
        item_id=item.id,
        item_number=item.item_number,
        revision=item.revision,
        item_name=item.name,
        uom=cell.uom,
        plans=cell.plans,
    )
