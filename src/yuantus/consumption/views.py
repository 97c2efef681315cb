"""Answers of plans and records, with the numbers and names they reference (one query per kind)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.consumption.analysis import Period
from yuantus.consumption.models import ConsumptionPlan, ConsumptionRecord
from yuantus.consumption.schemas import PeriodFigures, PlanRead, RecordRead
from yuantus.identity.models import User
from yuantus.item.models import Item
from yuantus.manufacturing.models import WorkOrder


def usernames(session: Session, ids: set[str | None]) -> dict[str, str]:
    """Usernames by user id."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    query = select(User.id, User.username).where(User.id.in_(wanted))
    return {row[0]: row[1] for row in session.execute(query)}


def plans(session: Session, rows: Sequence[ConsumptionPlan]) -> list[PlanRead]:
    """The answers of many plans."""
    ids = {p.item_id for p in rows}
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(ids)))}
    users = usernames(session, {p.created_by for p in rows})
    out = []
    for p in rows:
        item = items[p.item_id]
        out.append(
            PlanRead(
                id=p.id,
                name=p.name,
                item_id=p.item_id,
                item_number=item.item_number,
                revision=item.revision,
                item_name=item.name,
                period_unit=p.period_unit,  # type: ignore[arg-type]
                period_start=p.period_start,
                period_end=p.period_end,
                planned_quantity=p.planned_quantity,
                uom=p.uom,
                state=p.state,  # type: ignore[arg-type]
                template_key=p.template_key,
                template_version=p.template_version,
                under_threshold=p.under_threshold,
                over_threshold=p.over_threshold,
                properties=p.properties,
                activated_at=p.activated_at,
                closed_at=p.closed_at,
                created_by=p.created_by,
                created_by_name=users.get(p.created_by) if p.created_by else None,
                created_at=p.created_at,
                updated_at=p.updated_at,
            )
        )
    return out


def plan(session: Session, row: ConsumptionPlan) -> PlanRead:
    """The answer of one plan."""
    return plans(session, [row])[0]


def records(session: Session, rows: Sequence[ConsumptionRecord]) -> list[RecordRead]:
    """The answers of many records."""
    plan_ids = {r.plan_id for r in rows}
    by_id = {
        p.id: p
        for p in session.scalars(select(ConsumptionPlan).where(ConsumptionPlan.id.in_(plan_ids)))
    }
    order_ids = {r.source_id for r in rows if r.source_type == "workorder" and r.source_id}
    orders: dict[str, str] = dict(
        session.execute(
            select(WorkOrder.id, WorkOrder.number).where(WorkOrder.id.in_(order_ids))
        ).all()
    )
    users = usernames(session, {r.recorded_by for r in rows})
    return [
        RecordRead(
            id=r.id,
            plan_id=r.plan_id,
            plan_name=by_id[r.plan_id].name,
            quantity=r.quantity,
            uom=r.uom,
            plan_quantity=r.plan_quantity,
            plan_uom=by_id[r.plan_id].uom,
            source_type=r.source_type,  # type: ignore[arg-type]
            source_id=r.source_id,
            workorder_number=orders.get(r.source_id) if r.source_id else None,
            corrects_id=r.corrects_id,
            recorded_at=r.recorded_at,
            recorded_by=r.recorded_by,
            recorded_by_name=users.get(r.recorded_by) if r.recorded_by else None,
            properties=r.properties,
            created_at=r.created_at,
        )
        for r in rows
    ]


def period_figures(period: Period) -> PeriodFigures:
    """The answer of one bucket's figures."""
    f = period.figures
    return PeriodFigures(
        period=period.label,
        period_start=period.start,
        period_end=period.end,
        planned=f.planned,
        actual=f.actual,
        delta=f.delta,
        delta_ratio=f.delta_ratio,
        status=f.status,  # type: ignore[arg-type]
    )
