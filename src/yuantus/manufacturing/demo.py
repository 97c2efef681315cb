"""Demo manufacturing data: two work centers, a released primary routing, a released order."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from yuantus.core.pagination import PageParams
from yuantus.manufacturing import routing_service, workcenter_service, workorder_service
from yuantus.manufacturing.models import Routing, WorkCenter

if TYPE_CHECKING:
    from yuantus.core.demo import DemoContext

WORKCENTERS: tuple[dict[str, Any], ...] = (
    {
        "code": "DEMO-CNC",
        "name": "CNC machining cell",
        "capacity_per_day": Decimal(16),
        "efficiency": Decimal("0.9"),
        "cost_rate": Decimal(85),
    },
    {
        "code": "DEMO-ASM",
        "name": "Assembly and test bench",
        "capacity_per_day": Decimal(8),
        "efficiency": Decimal(1),
        "cost_rate": Decimal(55),
    },
)
# (operation number, name, work center code, setup minutes, run minutes per unit, instructions)
OPERATIONS = (
    (
        10,
        "Machine housing",
        "DEMO-CNC",
        Decimal(30),
        Decimal(12),
        "Fixture F-12; check bore to H7.",
    ),
    (20, "Assemble", "DEMO-ASM", Decimal(10), Decimal(20), "Torque cover screws to 6 Nm."),
    (30, "Final test", "DEMO-ASM", Decimal(5), Decimal(8), "Run-in 5 min; record noise level."),
)
DEMO_QUANTITY = 25


def load(session: Session, ctx: DemoContext) -> None:
    """Create the demo work centers, routing and work order once; skip without a demo product."""
    centers = {spec["code"]: _workcenter(session, spec) for spec in WORKCENTERS}
    ctx.report.append(f"  work centers: {', '.join(centers)}")
    product = ctx.objects.get("product")
    if product is None:
        ctx.report.append("  manufacturing: routing and work order skipped (no demo product)")
        return
    code = f"RT-{product.item_number}"
    routing = _existing_routing(session, code)
    if routing is None:
        routing = routing_service.create(
            session,
            product.id,
            code,
            f"Make {product.name}",
            description="Machine, assemble, test.",
            is_primary=routing_service.primary_for(session, product.config_id) is None,
            user=ctx.users.get("engineer"),
        )
        for number, name, center, setup, run, text in OPERATIONS:
            routing_service.add_operation(
                session,
                routing,
                number,
                name,
                centers[center].id,
                setup_time=setup,
                run_time=run,
                work_instructions=text,
            )
        routing_service.release(session, routing, ctx.users.get("engineer"))
    ctx.objects["routing"] = routing
    ctx.report.append(f"  routing: {routing.routing_code} v{routing.version} ({routing.state})")
    orders, _ = workorder_service.list_workorders(
        session, PageParams(limit=1), product_id=product.id
    )
    if orders:
        order = orders[0]
        ctx.report.append(f"  work order: {order.number} (exists, {order.state})")
    elif product.state != "Released":
        ctx.report.append(f"  work order: skipped ({product.item_number} is not Released)")
        return
    else:
        order = workorder_service.create(
            session,
            product.id,
            DEMO_QUANTITY,
            routing_id=routing.id,
            user=ctx.users.get("production"),
        )
        workorder_service.transition(session, order, "release", ctx.users.get("production"))
        ctx.report.append(f"  work order: {order.number} x{DEMO_QUANTITY} released")
    ctx.objects["workorder"] = order


def _workcenter(session: Session, spec: dict[str, Any]) -> WorkCenter:
    existing = workcenter_service.get_by_code(session, spec["code"])
    return existing or workcenter_service.create(session, **spec)


def _existing_routing(session: Session, code: str) -> Routing | None:
    rows, _ = routing_service.list_routings(session, PageParams(limit=1), routing_code=code)
    found: Routing | None = rows[0] if rows else None
    return found
