"""HTTP endpoints of the manufacturing domain: work centers, routings, work orders."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from yuantus.bom.limits import TOO_LARGE_RESPONSE, StructureLimitsDep
from yuantus.core import hooks, names
from yuantus.core.deps import SessionDep
from yuantus.core.http import TransactionalRoute
from yuantus.core.pagination import PageDep
from yuantus.core.schemas import Page
from yuantus.core.transitions import TransitionOptions, TransitionRequest, action_field
from yuantus.identity.deps import CurrentUser, require_role
from yuantus.identity.models import User
from yuantus.item.deps import RuleDep
from yuantus.manufacturing import routing_service, workcenter_service, workorder_service
from yuantus.manufacturing.hooks import ROUTING_TRANSITIONS, WORKORDER_TRANSITIONS
from yuantus.manufacturing.models import Operation, Routing, WorkCenter, WorkOrder
from yuantus.manufacturing.schemas import (
    MaterialRequirement,
    MaterialsRule,
    OperationCreate,
    OperationRead,
    OperationUpdate,
    PlannedOperation,
    RoutingCreate,
    RoutingDetail,
    RoutingRead,
    RoutingReleaseRead,
    RoutingState,
    RoutingUpdate,
    WorkCenterCreate,
    WorkCenterRead,
    WorkCenterUpdate,
    WorkOrderCreate,
    WorkOrderMaterials,
    WorkOrderOperations,
    WorkOrderRead,
    WorkOrderState,
    WorkOrderTransitionRead,
)
from yuantus.manufacturing.sorts import RoutingSort, WorkCenterSort, WorkOrderSort

router = APIRouter(route_class=TransactionalRoute, tags=["manufacturing"])
Writer = Annotated[User, Depends(require_role("engineer", "production"))]
Created = status.HTTP_201_CREATED


class RoutingTransitionRequest(TransitionRequest):
    """An action on a routing version."""

    action: str = action_field(ROUTING_TRANSITIONS)


class WorkOrderTransitionRequest(TransitionRequest):
    """An action on a work order."""

    action: str = action_field(WORKORDER_TRANSITIONS)


@router.post("/workcenters", response_model=WorkCenterRead, status_code=Created)
def create_workcenter(body: WorkCenterCreate, session: SessionDep, _user: Writer) -> WorkCenter:
    """Create a work center; 409 when the code is taken."""
    return workcenter_service.create(session, **body.model_dump())


@router.get("/workcenters", response_model=Page[WorkCenterRead])
def list_workcenters(
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    sort: WorkCenterSort,
    is_active: Annotated[bool | None, Query(description="only active (or inactive) ones")] = None,
) -> Page[WorkCenterRead]:
    """Work centers by code, optionally filtered by is_active."""
    rows, total = workcenter_service.list_workcenters(session, page, is_active=is_active, sort=sort)
    return Page.of([WorkCenterRead.model_validate(r) for r in rows], total, page)


@router.get("/workcenters/{workcenter_id}", response_model=WorkCenterRead)
def get_workcenter(workcenter_id: str, session: SessionDep, _user: CurrentUser) -> WorkCenter:
    """One work center."""
    return workcenter_service.get(session, workcenter_id)


@router.patch("/workcenters/{workcenter_id}", response_model=WorkCenterRead)
def update_workcenter(
    workcenter_id: str, body: WorkCenterUpdate, session: SessionDep, _user: Writer
) -> WorkCenter:
    """Change a work center's fields (only those sent)."""
    row = workcenter_service.get(session, workcenter_id)
    return workcenter_service.update(session, row, **body.model_dump(exclude_unset=True))


@router.post("/routings", response_model=RoutingRead, status_code=Created)
def create_routing(body: RoutingCreate, session: SessionDep, user: Writer) -> Routing:
    """Create a draft routing (version 1) for a product; 409 on a taken code or second primary."""
    return routing_service.create(
        session,
        body.product_id,
        body.routing_code,
        body.name,
        description=body.description,
        is_primary=body.is_primary,
        user=user,
    )


@router.get("/routings", response_model=Page[RoutingRead])
def list_routings(
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    sort: RoutingSort,
    product_id: Annotated[str | None, Query(description="any revision id of the product")] = None,
    state: Annotated[RoutingState | None, Query()] = None,
    routing_code: Annotated[str | None, Query(description="the routing code")] = None,
) -> Page[RoutingRead]:
    """Routings filtered by product (any revision id), state and code."""
    rows, total = routing_service.list_routings(
        session, page, product_id=product_id, state=state, routing_code=routing_code, sort=sort
    )
    return Page.of([RoutingRead.model_validate(r) for r in rows], total, page)


@router.get("/routings/{routing_id}", response_model=RoutingDetail)
def get_routing(routing_id: str, session: SessionDep, _user: CurrentUser) -> RoutingDetail:
    """One routing with its operations in order."""
    return _detail(session, routing_service.get(session, routing_id))


@router.patch("/routings/{routing_id}", response_model=RoutingRead)
def update_routing(
    routing_id: str, body: RoutingUpdate, session: SessionDep, _user: Writer
) -> Routing:
    """Edit a draft routing (a released one only accepts is_primary); 409 otherwise."""
    routing = routing_service.get(session, routing_id)
    return routing_service.update(session, routing, **body.model_dump(exclude_unset=True))


@router.post("/routings/{routing_id}/transitions", response_model=RoutingReleaseRead)
def post_routing_transition(
    routing_id: str, body: RoutingTransitionRequest, session: SessionDep, user: Writer
) -> RoutingReleaseRead:
    """Take an action (release: earlier released versions of its code become obsolete)."""
    routing = routing_service.get(session, routing_id)
    routing = routing_service.transition(session, routing, body.action, user, body.comment)
    return RoutingReleaseRead(
        **_detail(session, routing).model_dump(), warnings=hooks.warnings(session)
    )


@router.get("/routings/{routing_id}/transitions", response_model=TransitionOptions)
def get_routing_transitions(
    routing_id: str, session: SessionDep, user: CurrentUser
) -> TransitionOptions:
    """The routing's state and the actions the caller may take now."""
    return routing_service.transition_options(routing_service.get(session, routing_id), user)


@router.post(
    "/routings/{routing_id}/new-version", response_model=RoutingDetail, status_code=Created
)
def new_routing_version(routing_id: str, session: SessionDep, user: Writer) -> RoutingDetail:
    """Copy a released routing with its operations into a new draft version."""
    routing = routing_service.new_version(session, routing_service.get(session, routing_id), user)
    return _detail(session, routing)


@router.post("/routings/{routing_id}/operations", response_model=OperationRead, status_code=Created)
def add_operation(
    routing_id: str, body: OperationCreate, session: SessionDep, _user: Writer
) -> Operation:
    """Add an operation to a draft routing; 409 on a duplicate operation number."""
    routing = routing_service.get(session, routing_id)
    return routing_service.add_operation(session, routing, **body.model_dump())


@router.patch("/routings/{routing_id}/operations/{operation_id}", response_model=OperationRead)
def update_operation(
    routing_id: str, operation_id: str, body: OperationUpdate, session: SessionDep, _user: Writer
) -> Operation:
    """Change an operation of a draft routing (only the fields sent)."""
    routing = routing_service.get(session, routing_id)
    return routing_service.update_operation(
        session, routing, operation_id, **body.model_dump(exclude_unset=True)
    )


@router.delete(
    "/routings/{routing_id}/operations/{operation_id}", status_code=status.HTTP_204_NO_CONTENT
)
def delete_operation(
    routing_id: str, operation_id: str, session: SessionDep, _user: Writer
) -> Response:
    """Remove an operation from a draft routing."""
    routing = routing_service.get(session, routing_id)
    routing_service.delete_operation(session, routing, operation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/workorders", response_model=WorkOrderRead, status_code=Created)
def create_workorder(body: WorkOrderCreate, session: SessionDep, user: Writer) -> WorkOrder:
    """Create a draft work order (routing: the one given, else the product's primary one)."""
    return workorder_service.create(
        session,
        body.product_id,
        body.quantity,
        routing_id=body.routing_id,
        due_date=body.due_date,
        user=user,
    )


@router.get("/workorders", response_model=Page[WorkOrderRead])
def list_workorders(
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    sort: WorkOrderSort,
    state: Annotated[
        WorkOrderState | None, Query(description="draft, released, in_progress, done or canceled")
    ] = None,
    product_id: Annotated[str | None, Query(description="any revision id of the product")] = None,
) -> Page[WorkOrderRead]:
    """Work orders filtered by state and product (any revision id), newest first."""
    rows, total = workorder_service.list_workorders(
        session, page, state=state, product_id=product_id, sort=sort
    )
    return Page.of([WorkOrderRead.model_validate(r) for r in rows], total, page)


@router.get("/workorders/{workorder_id}", response_model=WorkOrderRead)
def get_workorder(workorder_id: str, session: SessionDep, _user: CurrentUser) -> WorkOrder:
    """One work order."""
    return workorder_service.get(session, workorder_id)


# releasing stores the materials: a product past the structure limits cannot be released
@router.post(
    "/workorders/{workorder_id}/transitions",
    response_model=WorkOrderTransitionRead,
    responses=TOO_LARGE_RESPONSE,
)
def post_workorder_transition(
    workorder_id: str,
    body: WorkOrderTransitionRequest,
    session: SessionDep,
    user: Writer,
    limits: StructureLimitsDep,
) -> WorkOrderTransitionRead:
    """Take an action (release, start, complete, cancel); 409 names the allowed actions."""
    order = workorder_service.get(session, workorder_id)
    order = workorder_service.transition(session, order, body.action, user, body.comment, limits)
    answer = WorkOrderTransitionRead.model_validate(order)
    return answer.model_copy(update={"warnings": hooks.warnings(session)})


@router.get("/workorders/{workorder_id}/transitions", response_model=TransitionOptions)
def get_workorder_transitions(
    workorder_id: str, session: SessionDep, user: CurrentUser
) -> TransitionOptions:
    """The work order's state and the actions the caller may take now."""
    return workorder_service.transition_options(workorder_service.get(session, workorder_id), user)


@router.get("/workorders/{workorder_id}/operations", response_model=WorkOrderOperations)
def workorder_operations(
    workorder_id: str, session: SessionDep, _user: CurrentUser
) -> WorkOrderOperations:
    """The routing's operations in order with times planned for the order quantity."""
    order = workorder_service.get(session, workorder_id)
    plan = workorder_service.operation_plan(session, order)
    return WorkOrderOperations(
        workorder_id=order.id,
        routing_id=order.routing_id,
        routing_code=order.routing_code,
        quantity=order.quantity,
        items=[PlannedOperation(**asdict(p)) for p in plan.items],
        total=len(plan.items),
        total_minutes=plan.total_minutes,
        total_cost=plan.total_cost,
    )


@router.get(
    "/workorders/{workorder_id}/materials",
    response_model=WorkOrderMaterials,
    responses={
        409: {"description": "A rule was asked of a released order's snapshot."},
        **TOO_LARGE_RESPONSE,
    },
)
def workorder_materials(
    workorder_id: str,
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    rule: RuleDep,
    limits: StructureLimitsDep,
) -> WorkOrderMaterials:
    """Leaf components x quantity: stored at release (snapshot), or live while draft."""
    order = workorder_service.get(session, workorder_id)
    answer = workorder_service.materials_page(session, order, page, rule, limits)
    number, revision, name = names.lookup(session, "item", [answer.product_item_id])[
        answer.product_item_id
    ]
    return WorkOrderMaterials(
        workorder_id=order.id,
        product_item_id=answer.product_item_id,
        product_number=number,
        product_revision=revision,
        product_name=name,
        quantity=order.quantity,
        source=answer.source,
        snapshot_at=answer.snapshot_at,
        rule=MaterialsRule(**answer.rule.describe()),
        items=[MaterialRequirement.model_validate(asdict(n)) for n in answer.items],
        total=answer.total,
    )


def _detail(session: SessionDep, routing: Routing) -> RoutingDetail:
    """A routing with its operations, as the API shows it."""
    ops = routing_service.list_operations(session, routing)
    return RoutingDetail(
        **RoutingRead.model_validate(routing).model_dump(),
        operations=[OperationRead.model_validate(o) for o in ops],
    )
