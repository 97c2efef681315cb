"""The dashboard's rows with names, in the asked order."""

from __future__ import annotations

from datetime import date
from typing import Literal

from sqlalchemy.orm import Session

from yuantus.consumption import analysis, views
from yuantus.consumption.schemas import DashboardRow
from yuantus.item import service as item_service

DashboardSort = Literal["-variance", "variance", "item_number", "-item_number", "period", "-period"]


def rows(
    session: Session,
    *,
    bucket: str,
    item_id: str | None,
    first: date | None,
    last: date | None,
    sort: DashboardSort,
) -> list[DashboardRow]:
    """Every (material, bucket) row, named after the material's current revision."""
    config = item_service.get(session, item_id).config_id if item_id else None
    where = analysis.DashboardFilter(bucket=bucket, config_id=config, first=first, last=last)
    cells = analysis.dashboard(session, where)
    current = item_service.current_by_config(session, sorted({c.config_id for c in cells}))
    out = []
    for cell in cells:
        item = current[cell.config_id]
        figures = views.period_figures(cell.period)
        out.append(
            DashboardRow(
                **figures.model_dump(),
                item_config_id=cell.config_id,
                item_id=item.id,
                item_number=item.item_number,
                revision=item.revision,
                item_name=item.name,
                uom=cell.uom,
                plans=cell.plans,
            )
        )
    worst = {id(r): analysis.worst_first(c) for r, c in zip(out, cells, strict=True)}
    field, reverse = sort.lstrip("-"), sort.startswith("-")
    if field == "variance":
        # "-variance": the worst first
        out.sort(key=lambda r: worst[id(r)], reverse=not reverse)
    elif field == "item_number":
        out.sort(key=lambda r: (r.item_number, r.period_start), reverse=reverse)
    else:
        out.sort(key=lambda r: (r.period_start, r.item_number), reverse=reverse)
    return out
