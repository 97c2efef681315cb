"""Template impact preview: the open periods' variance now and with a proposed version active."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.consumption import analysis, codes, periods, service
from yuantus.consumption.models import ConsumptionPlan
from yuantus.consumption.schemas import ImpactPreview, ImpactPreviewRequest, ImpactRow
from yuantus.consumption.variance import figures
from yuantus.consumption.views import period_figures
from yuantus.core.errors import NotFound


def _version(session: Session, key: str, number: int) -> ConsumptionPlan:
    plan = session.scalar(
        select(ConsumptionPlan).where(
            ConsumptionPlan.template_key == key, ConsumptionPlan.template_version == number
        )
    )
    if plan is None:
        raise NotFound(
            f"template {key} has no version {number}",
            code=codes.TEMPLATE_NOT_FOUND,
            context={"template_key": key, "version": number},
        )
    return plan


def _base(session: Session, key: str, body: ImpactPreviewRequest) -> ConsumptionPlan:
    if body.version is not None:
        return _version(session, key, body.version)
    active = service.active_version(session, key)
    if active is not None:
        return active
    latest = service.next_version(session, key) - 1
    if latest == 0:
        raise NotFound(
            f"no plan version has template key {key}",
            code=codes.TEMPLATE_NOT_FOUND,
            context={"template_key": key},
        )
    return _version(session, key, latest)


def preview(session: Session, key: str, body: ImpactPreviewRequest, today: date) -> ImpactPreview:
    """Per open period (ending on or after as_of) of the proposal: current and proposed figures.

    The actuals are the active version's (what production reported against the material);
    a proposal changes the planned side and the thresholds, never what was used.
    """
    base = _base(session, key, body)
    active = service.active_version(session, key)
    unit = body.period_unit or base.period_unit
    start = body.period_start or base.period_start
    end = body.period_end or base.period_end
    service.check_period(start, end)
    rate = body.planned_quantity or base.planned_quantity
    under = body.under_threshold or base.under_threshold
    over = body.over_threshold or base.over_threshold
    service.check_thresholds(under, over)
    as_of = body.as_of or today
    actuals = analysis.plan_actuals(session, active, unit) if active is not None else {}
    current = {}
    if active is not None:
        current = {p.start: p for p in analysis.plan_periods(active, unit, actuals)}
    rows = []
    for b_start, b_end in periods.buckets(start, end, unit):
        inside = periods.overlap((b_start, b_end), (start, end))
        if inside is None or b_end < as_of:
            continue
        planned = periods.planned_between(rate, unit, *inside)
        now = current.get(b_start)
        proposed = analysis.Period(
            periods.label(b_start, unit),
            b_start,
            b_end,
            figures(planned, actuals.get(b_start, planned * 0), under, over),
        )
        rows.append(
            ImpactRow(
                period=proposed.label,
                period_start=b_start,
                period_end=b_end,
                current=period_figures(now) if now is not None else None,
                proposed=period_figures(proposed),
                status_changed=now is None or now.figures.status != proposed.figures.status,
            )
        )
    return ImpactPreview(
        template_key=key,
        active_plan_id=active.id if active else None,
        active_version=active.template_version if active else None,
        proposed_version=body.version,
        planned_quantity=rate,
        period_unit=unit,  # type: ignore[arg-type]
        period_start=start,
        period_end=end,
        uom=base.uom,
        items=rows,
    )
