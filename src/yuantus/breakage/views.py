"""Answers of incidents, with the numbers and names they reference (one query per kind)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.breakage.models import BreakageIncident
from yuantus.breakage.schemas import BreakageRead, HelpdeskState
from yuantus.identity.models import User
from yuantus.item.models import Item
from yuantus.manufacturing.models import WorkOrder


def helpdesk_state(incident: BreakageIncident) -> HelpdeskState:
    """The ticket fields of an incident."""
    mode = incident.helpdesk_mode if incident.helpdesk_mode in ("remote", "local") else None
    return HelpdeskState(
        ticket_id=incident.helpdesk_ticket_id,
        status=incident.helpdesk_status,
        mode=mode,  # type: ignore[arg-type]
        last_error=incident.helpdesk_last_error,
        synced_at=incident.helpdesk_synced_at,
    )


def read_many(session: Session, incidents: Sequence[BreakageIncident]) -> list[BreakageRead]:
    """The answers of many incidents: items, users and work orders loaded once each."""
    item_ids = {i.product_item_id for i in incidents} | {i.component_item_id for i in incidents}
    items = {row.id: row for row in session.scalars(select(Item).where(Item.id.in_(item_ids)))}
    user_ids = {i.created_by for i in incidents if i.created_by}
    users: dict[str, str] = dict(
        session.execute(select(User.id, User.username).where(User.id.in_(user_ids))).all()
    )
    order_ids = {i.workorder_id for i in incidents if i.workorder_id}
    orders: dict[str, str] = dict(
        session.execute(
            select(WorkOrder.id, WorkOrder.number).where(WorkOrder.id.in_(order_ids))
        ).all()
    )
    out = []
    for i in incidents:
        product, component = items[i.product_item_id], items[i.component_item_id]
        out.append(
            BreakageRead(
                id=i.id,
                number=i.number,
                state=i.status,  # type: ignore[arg-type]
                product_item_id=i.product_item_id,
                product_number=product.item_number,
                product_revision=product.revision,
                product_name=product.name,
                component_item_id=i.component_item_id,
                component_number=component.item_number,
                component_revision=component.revision,
                component_name=component.name,
                workorder_id=i.workorder_id,
                workorder_number=orders.get(i.workorder_id) if i.workorder_id else None,
                batch_code=i.batch_code,
                customer=i.customer,
                description=i.description,
                failure_mode=i.failure_mode,
                signature=i.signature,
                quantity=i.quantity,
                responsibility=i.responsibility,  # type: ignore[arg-type]
                severity=i.severity,  # type: ignore[arg-type]
                occurred_at=i.occurred_at,
                created_by=i.created_by,
                created_by_name=users.get(i.created_by) if i.created_by else None,
                created_at=i.created_at,
                updated_at=i.updated_at,
                helpdesk=helpdesk_state(i),
            )
        )
    return out


def read_one(session: Session, incident: BreakageIncident) -> BreakageRead:
    """The answer of one incident."""
    return read_many(session, [incident])[0]
