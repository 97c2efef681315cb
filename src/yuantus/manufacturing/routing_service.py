"""Routings and their operations: create, edit while draft, release, new versions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from yuantus.audit import service as audit
from yuantus.core import error_codes as ec
from yuantus.core import transitions
from yuantus.core.db import new_id, utcnow
from yuantus.core.errors import Conflict, InvalidState, Unprocessable, invalid_filter, not_found
from yuantus.core.hooks import Transition, run_transition
from yuantus.core.orm import flush_or_conflict, get_or_404
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.core.transitions import TransitionOptions
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.item.models import Item
from yuantus.manufacturing import codes, workcenter_service
from yuantus.manufacturing.hooks import ROUTING_TRANSITIONS, routing_copiers, routing_hooks
from yuantus.manufacturing.models import ROUTING_STATES, Operation, Routing

# the only change a released routing accepts: which routing is the product's primary one
_PLANNING_FIELDS = frozenset({"is_primary"})


def get(session: Session, routing_id: str) -> Routing:
    """A routing by id; 404 routing_not_found."""
    return get_or_404(session, Routing, routing_id, codes.ROUTING_NOT_FOUND)


def get_for_update(session: Session, routing_id: str) -> Routing:
    """A routing locked for the rest of the transaction and re-read from the database."""
    return get_or_404(
        session,
        Routing,
        routing_id,
        codes.ROUTING_NOT_FOUND,
        with_for_update=True,
        populate_existing=True,
    )


def product_of(session: Session, product_id: str) -> Item:
    """The product item (any revision id); 404 when unknown, 422 when it is not a Part."""
    item = item_service.get(session, product_id)
    if item.item_type != "Part":
        raise Unprocessable(
            f"{item.item_number} is a {item.item_type}; only Parts are manufactured",
            code=codes.PRODUCT_NOT_PART,
            context={"product_id": product_id, "item_type": item.item_type},
        )
    return item


def list_routings(
    session: Session,
    page: PageParams,
    *,
    product_id: str | None = None,
    state: str | None = None,
    routing_code: str | None = None,
    sort: SortOrder | None = None,
) -> tuple[list[Routing], int]:
    """Routings filtered by product (any revision id), state and code; by code and version."""
    query: Select[Any] = select(Routing)
    if product_id:
        query = query.where(
            Routing.product_config_id == item_service.get(session, product_id).config_id
        )
    if state:
        if state not in ROUTING_STATES:
            raise invalid_filter("state", ROUTING_STATES)
        query = query.where(Routing.state == state)
    if routing_code:
        query = query.where(Routing.routing_code == routing_code)
    return paginate(session, query.order_by(Routing.routing_code, Routing.version), page, sort)


def list_operations(session: Session, routing: Routing) -> list[Operation]:
    """The routing's operations in execution order (sequence, then operation number)."""
    return list(
        session.scalars(
            select(Operation)
            .where(Operation.routing_id == routing.id)
            .order_by(Operation.sequence, Operation.operation_number)
        )
    )


def primary_for(session: Session, product_config_id: str) -> Routing | None:
    """The product's primary routing, if it has one."""
    return session.scalar(
        select(Routing).where(Routing.product_config_id == product_config_id, Routing.is_primary)
    )


def create(
    session: Session,
    product_id: str,
    routing_code: str,
    name: str,
    *,
    description: str | None = None,
    is_primary: bool = False,
    user: User | None = None,
) -> Routing:
    """A new draft routing, version 1; 409 on a taken code or a second primary routing."""
    product = product_of(session, product_id)
    if session.scalar(select(Routing.id).where(Routing.routing_code == routing_code).limit(1)):
        raise _code_taken(routing_code)
    if is_primary:
        _ensure_no_other_primary(session, product.config_id, None)
    row = Routing(
        product_config_id=product.config_id,
        routing_code=routing_code,
        version=1,
        name=name,
        description=description,
        is_primary=is_primary,
        state="draft",
        created_by=user.id if user else None,
    )
    session.add(row)
    # only a racing writer gets here: the unique code or the one-primary index refused the row
    flush_or_conflict(
        session,
        Conflict(
            f"routing code {routing_code} or the product's primary routing was taken meanwhile",
            code=codes.ROUTING_CONFLICT,
            context={"routing_code": routing_code, "product_config_id": product.config_id},
        ),
    )
    return row


def update(session: Session, routing: Routing, **changes: Any) -> Routing:
    """Edit a draft routing; a released one only accepts is_primary, an obsolete one nothing."""
    routing = get_for_update(session, routing.id)
    changes = {k: v for k, v in changes.items() if v is not None or k == "description"}
    content = {k for k, v in changes.items() if getattr(routing, k) != v} - _PLANNING_FIELDS
    if content or routing.state == "obsolete":
        ensure_editable(routing)
    if changes.get("is_primary") and not routing.is_primary:
        _ensure_no_other_primary(session, routing.product_config_id, routing.id)
    for field, value in changes.items():
        setattr(routing, field, value)
    routing.updated_at = utcnow()
    flush_or_conflict(session, _primary_taken(routing.product_config_id, None))
    return routing


def ensure_editable(routing: Routing) -> None:
    """409 routing_not_editable unless the routing is a draft."""
    if routing.state != "draft":
        raise InvalidState(
            f"routing {routing.routing_code} v{routing.version} is {routing.state} and cannot be "
            "edited; create a new version (POST /routings/{id}/new-version)",
            code=codes.ROUTING_NOT_EDITABLE,
            context={"routing_id": routing.id, "state": routing.state},
        )


def lock_editable(session: Session, routing_id: str) -> Routing:
    """The routing locked and re-read, then checked to be a draft (409 otherwise)."""
    routing = get_for_update(session, routing_id)
    ensure_editable(routing)
    return routing


def transition(
    session: Session,
    routing: Routing,
    action: str,
    user: User | None,
    comment: str | None = None,
) -> Routing:
    """Take an action on a routing (release) through its hooks; 409 naming the allowed ones."""
    rule = transitions.rule_for("a routing", ROUTING_TRANSITIONS, action)
    if user is not None:
        transitions.ensure_role(action, rule, user)
    return release(session, routing, user, comment)


def transition_options(routing: Routing, user: User) -> TransitionOptions:
    """The routing's state and the actions the user may take now."""
    return transitions.options(routing.state, ROUTING_TRANSITIONS, user)


def release(
    session: Session, routing: Routing, user: User | None = None, comment: str | None = None
) -> Routing:
    """Release a draft routing through its hooks; older released versions become obsolete."""
    # lock and re-read: of two racing releases (or a release and an edit) one sees the other
    routing = get_for_update(session, routing.id)
    rule = ROUTING_TRANSITIONS["release"]
    if routing.state not in rule.from_states:
        allowed = [a for a, r in ROUTING_TRANSITIONS.items() if routing.state in r.from_states]
        raise InvalidState(
            f"cannot release a {routing.state} routing",
            code=ec.INVALID_TRANSITION,
            context={"state": routing.state, "action": "release", "allowed": allowed},
        )
    transition = Transition(
        object_type="ROUTING",
        object_id=routing.id,
        obj=routing,
        action="release",
        from_state=routing.state,
        to_state=rule.to_state,
        user_id=user.id if user else None,
        extra={"routing_code": routing.routing_code, "version": routing.version},
    )
    with run_transition(session, transition, routing_hooks):
        _release(session, routing)
        # inside the savepoint: a release a hook vetoes leaves no row
        audit.record(
            session,
            object_type="routing",
            object_id=routing.id,
            action="release",
            before={"state": "draft"},
            after={"state": routing.state, "version": routing.version, "comment": comment},
            actor=user,
        )
    return routing


def _release(session: Session, routing: Routing) -> None:
    older = session.scalars(
        select(Routing).where(
            Routing.routing_code == routing.routing_code,
            Routing.id != routing.id,
            Routing.state == "released",
        )
    ).all()
    inherit_primary = False
    for old in older:
        old.state = "obsolete"
        inherit_primary = inherit_primary or old.is_primary
        old.is_primary = False
        old.updated_at = utcnow()
    # clear the old primary flag first: the unique index checks each row as it is written
    session.flush()
    routing.state = "released"
    routing.released_at = utcnow()
    routing.is_primary = routing.is_primary or inherit_primary
    routing.updated_at = utcnow()


def new_version(session: Session, routing: Routing, user: User | None = None) -> Routing:
    """A draft copy (operations included) of a released/obsolete routing, version + 1."""
    routing = get_for_update(session, routing.id)
    if routing.state == "draft":
        raise InvalidState(
            "a draft routing is edited in place; new versions start from released ones",
            code=codes.ROUTING_IS_DRAFT,
            context={"routing_id": routing.id},
        )
    versions = session.execute(
        select(Routing.version, Routing.state, Routing.id).where(
            Routing.routing_code == routing.routing_code
        )
    ).all()
    draft = next((v for v in versions if v.state == "draft"), None)
    if draft is not None:
        raise Conflict(
            f"routing {routing.routing_code} already has a draft version {draft.version}",
            code=codes.ROUTING_DRAFT_EXISTS,
            context={"routing_id": draft.id, "version": draft.version},
        )
    version = max(v.version for v in versions) + 1
    copy = Routing(
        product_config_id=routing.product_config_id,
        routing_code=routing.routing_code,
        version=version,
        name=routing.name,
        description=routing.description,
        is_primary=False,
        state="draft",
        created_by=user.id if user else None,
    )
    session.add(copy)
    flush_or_conflict(
        session,
        Conflict(
            f"routing {routing.routing_code} v{version} was created at the same time",
            code=codes.ROUTING_VERSION_TAKEN,
            context={"routing_code": routing.routing_code, "version": version},
        ),
    )
    operations: dict[str, str] = {}
    for op in list_operations(session, routing):
        new_op = Operation(
            id=new_id(),
            routing_id=copy.id,
            operation_number=op.operation_number,
            name=op.name,
            sequence=op.sequence,
            workcenter_id=op.workcenter_id,
            setup_time=op.setup_time,
            run_time=op.run_time,
            work_instructions=op.work_instructions,
            properties=dict(op.properties or {}),
        )
        session.add(new_op)
        operations[op.id] = new_op.id
    session.flush()
    for copier in list(routing_copiers.values()):
        copier(session, routing, copy, operations)
    return copy


def get_operation(session: Session, routing: Routing, operation_id: str) -> Operation:
    """An operation of the routing; 404 operation_not_found (also when on another routing)."""
    op = session.get(Operation, operation_id)
    if op is None or op.routing_id != routing.id:
        raise not_found("operation", operation_id)
    return op


def add_operation(
    session: Session,
    routing: Routing,
    operation_number: int,
    name: str,
    workcenter_id: str,
    *,
    sequence: int | None = None,
    setup_time: Decimal = Decimal(0),
    run_time: Decimal = Decimal(0),
    work_instructions: str | None = None,
    properties: dict[str, Any] | None = None,
) -> Operation:
    """Add an operation to a draft routing; 409 on a duplicate operation number."""
    routing = lock_editable(session, routing.id)
    _check_workcenter(session, workcenter_id)
    _ensure_number_free(session, routing, operation_number)
    op = Operation(
        routing_id=routing.id,
        operation_number=operation_number,
        name=name,
        sequence=operation_number if sequence is None else sequence,
        workcenter_id=workcenter_id,
        setup_time=setup_time,
        run_time=run_time,
        work_instructions=work_instructions,
        properties=dict(properties or {}),
    )
    session.add(op)
    routing.updated_at = utcnow()
    flush_or_conflict(session, _number_taken(routing, operation_number))
    return op


def update_operation(
    session: Session, routing: Routing, operation_id: str, **changes: Any
) -> Operation:
    """Change an operation of a draft routing; omitted (null) fields stay."""
    routing = get_for_update(session, routing.id)
    op = get_operation(session, routing, operation_id)
    ensure_editable(routing)
    changes = {k: v for k, v in changes.items() if v is not None or k == "work_instructions"}
    if "workcenter_id" in changes:
        _check_workcenter(session, changes["workcenter_id"])
    number = changes.get("operation_number")
    if number is not None and number != op.operation_number:
        _ensure_number_free(session, routing, number)
    for field, value in changes.items():
        setattr(op, field, dict(value) if field == "properties" else value)
    op.updated_at = routing.updated_at = utcnow()
    flush_or_conflict(session, _number_taken(routing, number or op.operation_number))
    return op


def delete_operation(session: Session, routing: Routing, operation_id: str) -> None:
    """Remove an operation from a draft routing."""
    routing = get_for_update(session, routing.id)
    op = get_operation(session, routing, operation_id)
    ensure_editable(routing)
    session.delete(op)
    routing.updated_at = utcnow()
    session.flush()


def count_operations(session: Session, routing: Routing) -> int:
    """How many operations the routing has."""
    return int(session.scalar(select(func.count()).where(Operation.routing_id == routing.id)) or 0)


def _check_workcenter(session: Session, workcenter_id: str) -> None:
    center = workcenter_service.get(session, workcenter_id)
    if not center.is_active:
        raise InvalidState(
            f"work center {center.code} is inactive",
            code=codes.WORKCENTER_INACTIVE,
            context={"workcenter_id": center.id},
        )


def _ensure_number_free(session: Session, routing: Routing, number: int) -> None:
    if session.scalar(
        select(Operation.id)
        .where(Operation.routing_id == routing.id, Operation.operation_number == number)
        .limit(1)
    ):
        raise _number_taken(routing, number)


def _ensure_no_other_primary(session: Session, config_id: str, routing_id: str | None) -> None:
    existing = primary_for(session, config_id)
    if existing is not None and existing.id != routing_id:
        raise _primary_taken(config_id, existing)


def _primary_taken(config_id: str, existing: Routing | None) -> Conflict:
    context: dict[str, Any] = {"product_config_id": config_id}
    if existing is not None:
        context.update(routing_id=existing.id, routing_code=existing.routing_code)
    return Conflict(
        "the product already has a primary routing"
        + (f" ({existing.routing_code} v{existing.version})" if existing else ""),
        code=codes.PRIMARY_ROUTING_EXISTS,
        context=context,
    )


def _code_taken(code: str) -> Conflict:
    return Conflict(
        f"routing code {code} is taken",
        code=codes.ROUTING_CODE_TAKEN,
        context={"routing_code": code},
    )


def _number_taken(routing: Routing, number: int) -> Conflict:
    return Conflict(
        f"operation {number} already exists on routing {routing.routing_code}",
        code=codes.OPERATION_NUMBER_TAKEN,
        context={"routing_id": routing.id, "operation_number": number},
    )
