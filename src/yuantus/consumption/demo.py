"""Demo plans for the bicycle's materials, fed by four weeks of work orders: all three statuses."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuantus.consumption import feeding, service
from yuantus.consumption.models import ConsumptionPlan
from yuantus.consumption.schemas import (
    ConsumptionLine,
    PlanCreate,
    WorkOrderConsumptionCreate,
)
from yuantus.core.db import utcnow
from yuantus.item import service as item_service
from yuantus.manufacturing import workorder_service

if TYPE_CHECKING:
    from yuantus.core.demo import DemoContext

BIKES_PER_ORDER = 5
ORDERS_PER_WEEK = 2
WEEKS = 4
# the share of the planned use each material really takes: under, on track, over
FACTORS = (Decimal("0.8"), Decimal("1"), Decimal("1.25"))


def load(session: Session, ctx: DemoContext) -> None:
    """Plan the bike's leaf materials per ISO week and report four weeks of work orders once."""
    product, user = ctx.objects.get("product"), ctx.users.get("production")
    if product is None or user is None or product.state != "Released":
        ctx.report.append("  consumption: skipped (no released demo product)")
        return
    existing = session.scalar(select(func.count()).select_from(ConsumptionPlan)) or 0
    if existing:
        ctx.report.append(f"  consumption: {existing} plans (exist)")
        return
    needs = workorder_service.live_materials(
        session, product, Decimal(1), item_service.RELEASED_RULE
    )
    needs = [n for n in needs if n.component_id is not None]
    today = utcnow().date()
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=WEEKS)
    weekly = BIKES_PER_ORDER * ORDERS_PER_WEEK
    for need in needs:
        plan = service.create(
            session,
            PlanCreate(
                name=f"{need.item_number} for {product.item_number}",
                item_id=need.component_id or "",
                period_unit="week",
                period_start=first,
                period_end=monday - timedelta(days=1),
                planned_quantity=need.quantity_per_unit * weekly,
                uom=need.uom,
                template_key=f"bike-{need.item_number}".lower(),
                properties={"line": "bicycle assembly"},
            ),
            user,
        )
        service.transition(session, plan.id, "activate", "demo plan", user)
    orders = 0
    for week in range(WEEKS):
        for slot in range(ORDERS_PER_WEEK):
            day = first + timedelta(weeks=week, days=1 + 2 * slot)
            _order(session, product.id, needs, datetime.combine(day, time(14), UTC), user)
            orders += 1
    ctx.report.append(
        f"  consumption: {len(needs)} weekly plans for {product.item_number}'s materials, "
        f"{orders} work orders over {WEEKS} weeks (under, on track and over)"
    )


def _order(
    session: Session,
    product_id: str,
    needs: list[workorder_service.MaterialRequirement],
    at: datetime,
    user: object,
) -> None:
    """A work order released, started, its consumption reported at `at`, and done."""
    from yuantus.identity.models import User

    assert isinstance(user, User)
    order = workorder_service.create(session, product_id, BIKES_PER_ORDER, user=user)
    workorder_service.transition(session, order, "release", user)
    workorder_service.transition(session, order, "start", user)
    lines = [
        ConsumptionLine(
            item_id=n.component_id or "",
            quantity=n.quantity_per_unit * BIKES_PER_ORDER * FACTORS[index % len(FACTORS)],
            uom=n.uom,
        )
        for index, n in enumerate(needs)
    ]
    feeding.report(session, order.id, WorkOrderConsumptionCreate(lines=lines, recorded_at=at), user)
    workorder_service.transition(session, order, "complete", user)
