"""Work orders: create, state transitions, planned operations and material requirements."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from yuantus.audit import service as audit
from yuantus.bom.limits import DEFAULT_LIMITS, StructureLimits
from yuantus.core import decimals, sequences, transitions
from yuantus.core import error_codes as ec
from yuantus.core.db import utcnow
from yuantus.core.errors import Conflict, InvalidState, Unprocessable, invalid_filter
from yuantus.core.hooks import Transition, run_transition
from yuantus.core.orm import flush_or_conflict, get_or_404
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.core.transitions import TransitionOptions
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.item.models import Item
from yuantus.item.service import RevisionRule
from yuantus.manufacturing import codes, routing_service, workcenter_service
from yuantus.manufacturing.hooks import WORKORDER_TRANSITIONS, workorder_hooks
from yuantus.manufacturing.models import (
    WORKORDER_STATES,
    Routing,
    WorkOrder,
    WorkOrderMaterial,
)

if TYPE_CHECKING:
    from yuantus.bom.explosion import FlatRow

# digits kept before a planned figure is rounded to 6 places: products of times, quantities
# and rates (up to 18 digits each) stay exact, quotients are rounded once, at the end
_PLANNING_DIGITS = 60


def get(session: Session, workorder_id: str) -> WorkOrder:
    """A work order by id; 404 workorder_not_found."""
    return get_or_404(session, WorkOrder, workorder_id, codes.WORKORDER_NOT_FOUND)


def get_for_update(session: Session, workorder_id: str) -> WorkOrder:
    """A work order locked for the rest of the transaction and re-read from the database."""
    return get_or_404(
        session,
        WorkOrder,
        workorder_id,
        codes.WORKORDER_NOT_FOUND,
        with_for_update=True,
        populate_existing=True,
    )


def list_workorders(
    session: Session,
    page: PageParams,
    *,
    state: str | None = None,
    product_id: str | None = None,
    sort: SortOrder | None = None,
) -> tuple[list[WorkOrder], int]:
    """Work orders filtered by state and product (any revision id), newest number first."""
    query: Select[Any] = select(WorkOrder)
    if state:
        if state not in WORKORDER_STATES:
            raise invalid_filter("state", WORKORDER_STATES)
        query = query.where(WorkOrder.state == state)
    if product_id:
        config_id = item_service.get(session, product_id).config_id
        query = query.where(WorkOrder.product_config_id == config_id)
    return paginate(session, query.order_by(WorkOrder.number.desc()), page, sort)


def create(
    session: Session,
    product_id: str,
    quantity: Decimal | int | str,
    *,
    routing_id: str | None = None,
    due_date: date | None = None,
    user: User | None = None,
) -> WorkOrder:
    """A draft work order on the given routing, or the product's primary one by default."""
    try:
        qty = decimals.parse(quantity)
    except ValueError as exc:
        raise Unprocessable(
            f"quantity: {exc}", code=ec.INVALID_QUANTITY, context={"quantity": str(quantity)}
        ) from None
    if qty <= 0:
        raise Unprocessable("quantity must be greater than 0", code=ec.INVALID_QUANTITY, context={})
    product = routing_service.product_of(session, product_id)
    routing: Routing | None
    if routing_id is not None:
        routing = routing_service.get(session, routing_id)
        _check_routing_product(routing, product.config_id)
        if routing.state == "obsolete":
            raise InvalidState(
                f"routing {routing.routing_code} v{routing.version} is obsolete",
                code=codes.ROUTING_OBSOLETE,
                context={"routing_id": routing.id},
            )
    else:
        routing = routing_service.primary_for(session, product.config_id)
    number = sequences.formatted(session, "workorder_number", "WO", 5)
    row = WorkOrder(
        number=number,
        product_config_id=product.config_id,
        # until release, the order points at the product's current revision
        product_item_id=item_service.get_current(session, product.config_id).id,
        routing_id=routing.id if routing else None,
        quantity=qty,
        state="draft",
        due_date=due_date,
        created_by=user.id if user else None,
    )
    session.add(row)
    flush_or_conflict(
        session,
        Conflict(
            f"work order number {number} is taken",
            code=codes.WORKORDER_NUMBER_TAKEN,
            context={"number": number},
        ),
    )
    return row


def transition(
    session: Session,
    order: WorkOrder,
    action: str,
    user: User | None = None,
    comment: str | None = None,
    limits: StructureLimits = DEFAULT_LIMITS,
) -> WorkOrder:
    """Take an action on a work order through its hooks; 409 naming the allowed actions.

    Releasing stores the materials: 413 past the structure limits (the configured ones).
    """
    rule = transitions.rule_for("a work order", WORKORDER_TRANSITIONS, action)
    if user is not None:
        transitions.ensure_role(action, rule, user)
    # lock and re-read: of two racing moves (release and cancel) the second sees the first
    order = get_for_update(session, order.id)
    if order.state not in rule.from_states:
        allowed = [a for a, r in WORKORDER_TRANSITIONS.items() if order.state in r.from_states]
        raise InvalidState(
            f"cannot {action} work order {order.number}: it is {order.state}; "
            f"allowed: {', '.join(allowed) or 'none'}",
            code=ec.INVALID_TRANSITION,
            context={"state": order.state, "action": action, "allowed": allowed},
        )
    assert rule.to_state is not None
    event = Transition(
        object_type="WORKORDER",
        object_id=order.id,
        obj=order,
        action=action,
        from_state=order.state,
        to_state=rule.to_state,
        user_id=user.id if user else None,
        extra={"number": order.number},
    )
    with run_transition(session, event, workorder_hooks):
        _ENTER[action](session, order, limits)
        order.state = rule.to_state
        order.updated_at = utcnow()
        # inside the savepoint: a move a hook vetoes leaves no row
        audit.record(
            session,
            object_type="workorder",
            object_id=order.id,
            action=action,
            before={"state": event.from_state},
            after={"state": order.state, "comment": comment},
            actor=user,
        )
    return order


def transition_options(order: WorkOrder, user: User) -> TransitionOptions:
    """The work order's state and the actions the user may take now."""
    return transitions.options(order.state, WORKORDER_TRANSITIONS, user)


def _release(session: Session, order: WorkOrder, limits: StructureLimits) -> None:
    """Pin the current Released product revision and check the routing can be built."""
    current = item_service.get_current(session, order.product_config_id)
    if current.state != "Released":
        raise InvalidState(
            f"product {current.item_number} has no Released revision (current rev "
            f"{current.revision} is {current.state})",
            code=ec.PRODUCT_NOT_RELEASED,
            context={"product_item_id": current.id, "state": current.state},
        )
    routing = (
        routing_service.get(session, order.routing_id)
        if order.routing_id
        else routing_service.primary_for(session, order.product_config_id)
    )
    if routing is None:
        raise InvalidState(
            "the work order has no routing and the product has no primary routing",
            code=codes.ROUTING_MISSING,
            context={"product_config_id": order.product_config_id},
        )
    # the routing locked too: a new routing version released meanwhile (which obsoletes
    # this one) either committed first and is seen here, or waits for this release
    routing = routing_service.get_for_update(session, routing.id)
    if routing.state != "released":
        raise InvalidState(
            f"routing {routing.routing_code} v{routing.version} is {routing.state}, not released",
            code=codes.ROUTING_NOT_RELEASED,
            context={"routing_id": routing.id, "state": routing.state},
        )
    if routing_service.count_operations(session, routing) == 0:
        raise InvalidState(
            f"routing {routing.routing_code} v{routing.version} has no operations",
            code=codes.ROUTING_HAS_NO_OPERATIONS,
            context={"routing_id": routing.id},
        )
    order.routing_id = routing.id
    order.product_item_id = current.id
    order.released_at = utcnow()
    # what the shop floor builds from now on: later ECOs on components do not move it
    snapshot_materials(session, order, current, limits)


def _start(_session: Session, order: WorkOrder, _limits: StructureLimits) -> None:
    order.started_at = utcnow()


def _complete(_session: Session, order: WorkOrder, _limits: StructureLimits) -> None:
    order.completed_at = utcnow()


def _cancel(_session: Session, order: WorkOrder, _limits: StructureLimits) -> None:
    order.canceled_at = utcnow()


_ENTER: dict[str, Callable[[Session, WorkOrder, StructureLimits], None]] = {
    "release": _release,
    "start": _start,
    "complete": _complete,
    "cancel": _cancel,
}


def _check_routing_product(routing: Routing, config_id: str) -> None:
    if routing.product_config_id != config_id:
        raise Unprocessable(
            f"routing {routing.routing_code} belongs to another product",
            code=codes.ROUTING_PRODUCT_MISMATCH,
            context={"routing_id": routing.id, "product_config_id": routing.product_config_id},
        )


@dataclass(frozen=True)
class PlannedOperation:
    """One routing operation with times for the order quantity (minutes)."""

    operation_id: str
    operation_number: int
    sequence: int
    name: str
    workcenter_id: str
    workcenter_code: str
    setup_time: Decimal
    run_time: Decimal
    planned_setup_minutes: Decimal
    planned_run_minutes: Decimal
    planned_total_minutes: Decimal
    planned_cost: Decimal
    work_instructions: str | None


# planned figures are estimates: minutes to 0.01 (under a second), money to 0.01 (a cent)
MINUTES_QUANTUM = Decimal("0.01")
COST_QUANTUM = Decimal("0.01")


def _planned(value: Decimal, quantum: Decimal) -> Decimal:
    """A planned figure rounded half up (dividing by an efficiency or 60 need not end)."""
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def planned_operations(session: Session, order: WorkOrder) -> list[PlannedOperation]:
    """The routing's operations in order: setup once, run time x quantity / efficiency."""
    if order.routing_id is None:
        return []
    routing = routing_service.get(session, order.routing_id)
    qty = order.quantity
    out: list[PlannedOperation] = []
    for op in routing_service.list_operations(session, routing):
        center = workcenter_service.get(session, op.workcenter_id)
        # each figure is rounded once, and totals add the rounded figures: what is shown adds up
        with localcontext(prec=_PLANNING_DIGITS):
            setup = _planned(op.setup_time, MINUTES_QUANTUM)
            run = _planned(op.run_time * qty / center.efficiency, MINUTES_QUANTUM)
            total = setup + run
            cost = _planned(total * center.cost_rate / 60, COST_QUANTUM)
        out.append(
            PlannedOperation(
                operation_id=op.id,
                operation_number=op.operation_number,
                sequence=op.sequence,
                name=op.name,
                workcenter_id=center.id,
                workcenter_code=center.code,
                setup_time=op.setup_time,
                run_time=op.run_time,
                planned_setup_minutes=setup,
                planned_run_minutes=run,
                planned_total_minutes=total,
                planned_cost=cost,
                work_instructions=op.work_instructions,
            )
        )
    return out


@dataclass(frozen=True)
class OperationPlan:
    """The planned operations of a work order and their sums."""

    items: list[PlannedOperation]
    total_minutes: Decimal
    total_cost: Decimal


def operation_plan(session: Session, order: WorkOrder) -> OperationPlan:
    """The planned operations of a work order with total minutes and cost."""
    items = planned_operations(session, order)
    return OperationPlan(
        items=items,
        total_minutes=sum((p.planned_total_minutes for p in items), Decimal(0)),
        total_cost=sum((p.planned_cost for p in items), Decimal(0)),
    )


@dataclass
class MaterialRequirement:
    """A leaf component's need for the whole order, per uom."""

    component_config_id: str
    component_id: str | None
    item_number: str | None
    revision: str | None
    name: str | None
    state: str | None
    resolution: str
    uom: str
    quantity_per_unit: Decimal
    required_quantity: Decimal
    bom_lines: int


@dataclass(frozen=True)
class Materials:
    """One page of an order's requirements: stored at release (snapshot) or computed (live)."""

    source: str
    rule: RevisionRule
    product_item_id: str
    snapshot_at: datetime | None
    items: list[MaterialRequirement]
    total: int


def revision_for_materials(session: Session, order: WorkOrder) -> str:
    """The product revision an order builds: pinned once released, else the current one."""
    if order.state == "draft":
        # not pinned yet: show what releasing now would build
        return item_service.get_current(session, order.product_config_id).id
    return order.product_item_id


def live_materials(
    session: Session,
    product: Item,
    quantity: Decimal,
    rule: RevisionRule,
    limits: StructureLimits = DEFAULT_LIMITS,
) -> list[MaterialRequirement]:
    """The leaf components of a product revision under the rule, extended x quantity.

    The rows are summed as they are walked, never held; 413 past the structure limits.
    """
    # imported here: the BOM domain builds on items and may import manufacturing later
    from yuantus.bom import explosion

    structure, rows = explosion.load(session, product, -1, rule, limits)
    limits.check_rows(rows)
    # the sub-assemblies walked into: their own children carry the need
    assemblies = {item_id for item_id, lines in structure.lines.items() if lines}
    needs: dict[tuple[str, str], MaterialRequirement] = {}
    with decimals.exact():
        _add_needs(needs, structure.rows(), assemblies, quantity)
    return sorted(needs.values(), key=lambda n: (n.item_number or "", n.uom, n.component_config_id))


def _add_needs(
    needs: dict[tuple[str, str], MaterialRequirement],
    rows: Iterable[FlatRow],
    assemblies: set[str],
    order_quantity: Decimal,
) -> None:
    """Sum the leaf rows' extended quantities per (component, uom), then x order quantity."""
    for row in rows:
        if row.child_id is not None and row.child_id in assemblies:
            continue  # a sub-assembly: its own children carry the need
        per_unit = row.extended_quantity
        key = (row.child_config_id, row.uom)
        need = needs.get(key)
        if need is None:
            need = needs[key] = MaterialRequirement(
                component_config_id=row.child_config_id,
                component_id=row.child_id,
                item_number=row.child_number,
                revision=row.child_revision,
                name=row.child_name,
                state=row.child_state,
                resolution=row.resolution,
                uom=row.uom,
                quantity_per_unit=Decimal(0),
                required_quantity=Decimal(0),
                bom_lines=0,
            )
        need.quantity_per_unit += per_unit
        need.bom_lines += 1
    for need in needs.values():
        need.required_quantity = need.quantity_per_unit * order_quantity


def materials(
    session: Session,
    order: WorkOrder,
    rule: RevisionRule | None = None,
    limits: StructureLimits = DEFAULT_LIMITS,
) -> tuple[RevisionRule, list[MaterialRequirement]]:
    """The live requirements of the order's product revision (its default rule when None)."""
    product = item_service.get(session, revision_for_materials(session, order))
    used = item_service.rule_for(product, rule)
    return used, live_materials(session, product, order.quantity, used, limits)


def snapshot_materials(
    session: Session, order: WorkOrder, product: Item, limits: StructureLimits = DEFAULT_LIMITS
) -> int:
    """Store the order's requirements under rule released (at release); the rows written."""
    rule = item_service.RELEASED_RULE
    now = utcnow()
    needs = live_materials(session, product, order.quantity, rule, limits)
    session.add_all(
        WorkOrderMaterial(
            workorder_id=order.id,
            component_config_id=n.component_config_id,
            component_item_id=n.component_id,
            item_number=n.item_number,
            revision=n.revision,
            name=n.name,
            state=n.state,
            uom=n.uom,
            quantity_per_unit=n.quantity_per_unit,
            required_quantity=n.required_quantity,
            bom_lines=n.bom_lines,
            position=position,
            rule=rule.kind,
            rule_as_of=rule.as_of,
            created_at=now,
        )
        for position, n in enumerate(needs)
    )
    order.materials_snapshot_at = now
    session.flush()
    return len(needs)


def _stored(row: WorkOrderMaterial) -> MaterialRequirement:
    return MaterialRequirement(
        component_config_id=row.component_config_id,
        component_id=row.component_item_id,
        item_number=row.item_number,
        revision=row.revision,
        name=row.name,
        state=row.state,
        resolution="resolved" if row.component_item_id else "unresolved",
        uom=row.uom,
        quantity_per_unit=row.quantity_per_unit,
        required_quantity=row.required_quantity,
        bom_lines=row.bom_lines,
    )


def materials_page(
    session: Session,
    order: WorkOrder,
    page: PageParams,
    rule: RevisionRule | None = None,
    limits: StructureLimits = DEFAULT_LIMITS,
) -> Materials:
    """One page of the order's requirements: the release snapshot, or live while draft.

    A rule applies to the live view only: asking one of a snapshot is 409.
    """
    if order.materials_snapshot_at is not None:
        if rule is not None:
            raise InvalidState(
                f"work order {order.number}'s materials were stored when it was released; "
                "a revision rule applies only to a draft order's live view",
                code=codes.MATERIALS_SNAPSHOT,
                context={
                    "state": order.state,
                    "snapshot_at": order.materials_snapshot_at.isoformat(),
                },
            )
        query = (
            select(WorkOrderMaterial)
            .where(WorkOrderMaterial.workorder_id == order.id)
            .order_by(WorkOrderMaterial.position)
        )
        rows, total = paginate(session, query, page)
        return Materials(
            source="snapshot",
            rule=item_service.RELEASED_RULE,
            product_item_id=order.product_item_id,
            snapshot_at=order.materials_snapshot_at,
            items=[_stored(r) for r in rows],
            total=total,
        )
    used, needs = materials(session, order, rule, limits)
    return Materials(
        source="live",
        rule=used,
        product_item_id=revision_for_materials(session, order),
        snapshot_at=None,
        items=needs[page.offset : page.offset + page.limit],
        total=len(needs),
    )
