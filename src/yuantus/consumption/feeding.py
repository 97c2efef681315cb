"""Work orders feed the plans: reported consumption, and backflush when an order is done."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.consumption import service, views
from yuantus.consumption.config import ConsumptionSettings
from yuantus.consumption.schemas import (
    UnplannedLine,
    WorkOrderConsumption,
    WorkOrderConsumptionCreate,
)
from yuantus.core.db import utcnow
from yuantus.core.errors import Unprocessable
from yuantus.core.hooks import Ok, Transition, Warn
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.manufacturing import workorder_service
from yuantus.manufacturing.models import WorkOrder, WorkOrderMaterial


def report(
    session: Session, workorder_id: str, body: WorkOrderConsumptionCreate, user: User
) -> WorkOrderConsumption:
    """Each line becomes a record on every active plan of its material covering the time."""
    order = workorder_service.get_for_update(session, workorder_id)
    service.check_consuming(order)
    at = body.recorded_at or utcnow()
    created, unplanned = [], []
    for line in body.lines:
        item = item_service.get(session, line.item_id)
        rows = service.feed(session, order, item.config_id, line.quantity, line.uom, at, user)
        created.extend(rows)
        if not rows:
            unplanned.append(
                UnplannedLine(
                    item_id=item.id,
                    item_number=item.item_number,
                    revision=item.revision,
                    name=item.name,
                    quantity=line.quantity,
                    uom=line.uom.strip().upper(),
                )
            )
    return WorkOrderConsumption(
        workorder_id=order.id,
        workorder_number=order.number,
        records=views.records(session, created),
        unplanned=unplanned,
    )


def backflush(session: Session, order: WorkOrder, at: datetime) -> list[str]:
    """Record the order's snapshot requirements; messages saying what happened (none: nothing)."""
    materials = session.scalars(
        select(WorkOrderMaterial)
        .where(WorkOrderMaterial.workorder_id == order.id)
        .order_by(WorkOrderMaterial.position)
    ).all()
    recorded, unplanned, refused = 0, [], []
    for m in materials:
        try:
            rows = service.feed(
                session, order, m.component_config_id, m.required_quantity, m.uom, at, None
            )
        except Unprocessable as exc:
            # a BOM uom the plan cannot take must not stop the order from being done
            refused.append(f"{m.item_number or m.component_config_id} ({exc.message})")
            continue
        recorded += len(rows)
        if not rows:
            unplanned.append(m.item_number or m.component_config_id)
    if recorded == 0 and not refused:
        return []  # no active plan covers any of the materials: nothing happened to tell
    notes = [
        f"backflush: no consumption was reported for {order.number}; recorded its "
        f"{len(materials)} snapshot materials as {recorded} consumption records"
    ]
    if unplanned:
        notes.append(f"backflush: no active plan covers {', '.join(unplanned)}")
    if refused:
        notes.append(f"backflush: not recorded: {'; '.join(refused)}")
    return notes


def on_complete(session: Session, t: Transition) -> Ok | Warn:
    """After workorder.complete: backflush unless consumption was reported or it is off."""
    order: WorkOrder = t.obj
    if service.reported(session, order):
        return Ok()
    if not ConsumptionSettings().backflush:
        if not _planned(session, order):
            return Ok()
        return Warn(
            [
                f"backflush is off (YUANTUS_CONSUMPTION_BACKFLUSH): {order.number} reported "
                "no consumption, none was recorded"
            ]
        )
    notes = backflush(session, order, order.completed_at or utcnow())
    return Warn(notes) if notes else Ok()


def _planned(session: Session, order: WorkOrder) -> bool:
    """True when an active plan covers one of the order's snapshot materials today."""
    day = (order.completed_at or utcnow()).date()
    configs = session.scalars(
        select(WorkOrderMaterial.component_config_id).where(
            WorkOrderMaterial.workorder_id == order.id
        )
    )
    return any(service.covering_plans(session, c, day) for c in configs)


def register_hooks() -> None:
    """Register the backflush on the work orders' completion (idempotent)."""
    from yuantus.manufacturing.hooks import workorder_hooks

    workorder_hooks.register(
        "after", on_complete, name="consumption.backflush", points=["workorder.complete"]
    )
