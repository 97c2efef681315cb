"""ConsumptionPlanService: plans, template versions, state moves, actuals and work-order feeds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from yuantus.audit import service as audit
from yuantus.consumption import codes, units
from yuantus.consumption.models import (
    DEFAULT_OVER,
    DEFAULT_UNDER,
    TRANSITIONS,
    ConsumptionPlan,
    ConsumptionRecord,
)
from yuantus.consumption.schemas import ActualCreate, PlanCreate, PlanFields, PlanUpdate
from yuantus.core import decimals, transitions
from yuantus.core import error_codes as ec
from yuantus.core.db import utcnow
from yuantus.core.errors import Conflict, InvalidState, Unprocessable
from yuantus.core.orm import flush_or_conflict, get_or_404
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.core.transitions import TransitionOptions
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.manufacturing.models import WorkOrder


def get(session: Session, plan_id: str, *, for_update: bool = False) -> ConsumptionPlan:
    """A plan by id (locked and re-read when for_update); 404 plan_not_found."""
    options: dict[str, Any] = (
        {"with_for_update": True, "populate_existing": True} if for_update else {}
    )
    return get_or_404(session, ConsumptionPlan, plan_id, codes.PLAN_NOT_FOUND, **options)


def snapshot(plan: ConsumptionPlan) -> dict[str, Any]:
    """The audited fields of a plan."""
    return {
        "name": plan.name,
        "state": plan.state,
        "item_id": plan.item_id,
        "period_unit": plan.period_unit,
        "period_start": plan.period_start.isoformat(),
        "period_end": plan.period_end.isoformat(),
        "planned_quantity": plan.planned_quantity,
        "uom": plan.uom,
        "template_key": plan.template_key,
        "template_version": plan.template_version,
        "under_threshold": plan.under_threshold,
        "over_threshold": plan.over_threshold,
    }


# a plan's variance answers a row per bucket of its period: a day-bucketed variance of a
# plan from year 1 to 9999 was 3.6 million rows and stalled the server (issue 20, fuzzing)
MAX_PERIOD_DAYS = 3660


def check_period(start: date, end: date) -> None:
    """422 invalid_period when the period ends before it starts or spans over ~ten years."""
    context = {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "max_days": MAX_PERIOD_DAYS,
    }
    if end < start:
        raise Unprocessable(
            f"period_end {end} is before period_start {start}",
            code=codes.INVALID_PERIOD,
            context=context,
        )
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise Unprocessable(
            f"the period spans more than {MAX_PERIOD_DAYS} days",
            code=codes.INVALID_PERIOD,
            context=context,
        )


def check_thresholds(under: Decimal, over: Decimal) -> None:
    """422 invalid_thresholds unless under < over."""
    if under >= over:
        raise Unprocessable(
            f"under threshold {decimals.to_str(under)} is not below over threshold "
            f"{decimals.to_str(over)}",
            code=codes.INVALID_THRESHOLDS,
            context={
                "under_threshold": decimals.to_str(under),
                "over_threshold": decimals.to_str(over),
            },
        )


def next_version(session: Session, key: str) -> int:
    """The next version number of a template key."""
    latest = session.scalar(
        select(func.max(ConsumptionPlan.template_version)).where(
            ConsumptionPlan.template_key == key
        )
    )
    return (latest or 0) + 1


def create(
    session: Session, body: PlanFields, user: User | None, template_key: str | None = None
) -> ConsumptionPlan:
    """A draft plan; with a template key, the key's next version."""
    key = template_key or (body.template_key if isinstance(body, PlanCreate) else None)
    item = item_service.get(session, body.item_id)
    check_period(body.period_start, body.period_end)
    under = body.under_threshold if body.under_threshold is not None else DEFAULT_UNDER
    over = body.over_threshold if body.over_threshold is not None else DEFAULT_OVER
    check_thresholds(under, over)
    version = next_version(session, key) if key else None
    now = utcnow()
    plan = ConsumptionPlan(
        name=body.name,
        item_id=item.id,
        item_config_id=item.config_id,
        period_unit=body.period_unit,
        period_start=body.period_start,
        period_end=body.period_end,
        planned_quantity=body.planned_quantity,
        uom=units.normalize(body.uom),
        state="draft",
        template_key=key,
        template_version=version,
        under_threshold=under,
        over_threshold=over,
        properties=body.properties,
        created_by=user.id if user else None,
        created_at=now,
        updated_at=now,
    )
    session.add(plan)
    flush_or_conflict(
        session,
        Conflict(
            f"version {version} of template {key} was created at the same time",
            code=codes.TEMPLATE_VERSION_TAKEN,
            context={"template_key": key, "template_version": version},
        ),
    )
    audit.record(
        session,
        object_type="consumption_plan",
        object_id=plan.id,
        action="create",
        after=snapshot(plan),
        actor=user,
    )
    return plan


def update(session: Session, plan_id: str, body: PlanUpdate, user: User) -> ConsumptionPlan:
    """Change a plan that is not closed; 409 plan_closed."""
    plan = get(session, plan_id, for_update=True)
    if plan.state == "closed":
        raise InvalidState(
            f"plan {plan.name} is closed", code=codes.PLAN_CLOSED, context={"state": plan.state}
        )
    # null means "unchanged", as if the field were left out
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    start = changes.get("period_start", plan.period_start)
    end = changes.get("period_end", plan.period_end)
    check_period(start, end)
    under = changes.get("under_threshold") or plan.under_threshold
    over = changes.get("over_threshold") or plan.over_threshold
    check_thresholds(under, over)
    before = snapshot(plan)
    for field, value in changes.items():
        setattr(plan, field, value)
    plan.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        object_type="consumption_plan",
        object_id=plan.id,
        action="update",
        before=before,
        after=snapshot(plan),
        actor=user,
    )
    return plan


def list_page(
    session: Session,
    sort: SortOrder,
    page: PageParams,
    *,
    item_id: str | None = None,
    state: str | None = None,
    template_key: str | None = None,
) -> tuple[Sequence[ConsumptionPlan], int]:
    """One page of plans, filtered by material (any revision), state and template."""
    query: Select[Any] = select(ConsumptionPlan)
    if item_id:
        config = item_service.get(session, item_id).config_id
        query = query.where(ConsumptionPlan.item_config_id == config)
    if state:
        query = query.where(ConsumptionPlan.state == state)
    if template_key:
        query = query.where(ConsumptionPlan.template_key == template_key)
    rows, total = paginate(session, sort.apply(query), page)
    return rows, total


def active_version(session: Session, key: str, *, lock: bool = False) -> ConsumptionPlan | None:
    """The active version of a template key, if any (locked when asked)."""
    query = select(ConsumptionPlan).where(
        ConsumptionPlan.template_key == key, ConsumptionPlan.state == "active"
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def allowed_actions(state: str) -> list[str]:
    """The actions the workflow allows from a state."""
    return [action for action, rule in TRANSITIONS.items() if state in rule.from_states]


def options(plan: ConsumptionPlan, user: User) -> TransitionOptions:
    """The plan's state and the actions the caller may take now."""
    return transitions.options(plan.state, TRANSITIONS, user)


def _set_state(plan: ConsumptionPlan, state: str) -> None:
    now = utcnow()
    plan.state = state
    plan.updated_at = now
    if state == "active":
        plan.activated_at = now
    elif state == "closed":
        plan.closed_at = now


def transition(
    session: Session, plan_id: str, action: str, comment: str | None, user: User
) -> ConsumptionPlan:
    """activate (retiring the template's active version) or close; 409 names allowed actions."""
    rule = transitions.rule_for("a consumption plan", TRANSITIONS, action)
    transitions.ensure_role(action, rule, user)
    plan = get(session, plan_id, for_update=True)
    allowed = allowed_actions(plan.state)
    if action not in allowed:
        raise InvalidState(
            f"cannot {action} plan {plan.name} in state {plan.state}",
            code=ec.INVALID_TRANSITION,
            context={"state": plan.state, "action": action, "allowed": allowed},
        )
    before = plan.state
    if action == "activate" and plan.template_key:
        current = active_version(session, plan.template_key, lock=True)
        if current is not None and current.id != plan.id:
            _set_state(current, "closed")
            session.flush()
            audit.record(
                session,
                object_type="consumption_plan",
                object_id=current.id,
                action="retire",
                before={"state": "active"},
                after={"state": "closed", "replaced_by": plan.id},
                actor=user,
            )
    assert rule.to_state is not None
    _set_state(plan, rule.to_state)
    flush_or_conflict(
        session,
        Conflict(
            f"another version of template {plan.template_key} was activated meanwhile",
            code=codes.TEMPLATE_ACTIVE_TAKEN,
            context={"template_key": plan.template_key},
        ),
    )
    audit.record(
        session,
        object_type="consumption_plan",
        object_id=plan.id,
        action=action,
        before={"state": before},
        after={"state": plan.state, "reason": comment},
        actor=user,
    )
    return plan


def _day_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def _refuse_inactive(plan: ConsumptionPlan) -> None:
    if plan.state != "active":
        raise InvalidState(
            f"plan {plan.name} is {plan.state}; actuals go to active plans",
            code=codes.PLAN_NOT_ACTIVE,
            context={"plan_id": plan.id, "state": plan.state},
        )


def _check_correction(session: Session, plan: ConsumptionPlan, body: ActualCreate) -> None:
    if body.corrects_id is not None:
        target = session.get(ConsumptionRecord, body.corrects_id)
        if target is None or target.plan_id != plan.id:
            raise Unprocessable(
                f"record {body.corrects_id} is not a record of plan {plan.name}",
                code=codes.CORRECTION_NOT_FOUND,
                context={"corrects_id": body.corrects_id},
            )
    elif body.quantity <= 0:
        raise Unprocessable(
            "a quantity of 0 or less must reference the record it corrects (corrects_id)",
            code=codes.CORRECTION_REQUIRED,
            context={"quantity": decimals.to_str(body.quantity)},
        )


def new_record(
    plan: ConsumptionPlan,
    quantity: Decimal,
    uom: str,
    *,
    source_type: str,
    source_id: str | None,
    recorded_at: datetime,
    user: User | None,
    corrects_id: str | None = None,
    properties: dict[str, Any] | None = None,
) -> ConsumptionRecord:
    """A record on a plan, converted to its uom (422 uom_mismatch); not yet added."""
    code = units.normalize(uom)
    return ConsumptionRecord(
        plan_id=plan.id,
        quantity=quantity,
        uom=code,
        plan_quantity=units.convert(quantity, code, plan.uom),
        source_type=source_type,
        source_id=source_id,
        corrects_id=corrects_id,
        recorded_at=recorded_at,
        recorded_on=_day_of(recorded_at),
        recorded_by=user.id if user else None,
        properties=properties or {},
        created_at=utcnow(),
    )


def record_actual(
    session: Session, plan_id: str, body: ActualCreate, user: User
) -> ConsumptionRecord:
    """One actual on an active plan (409 plan_not_active), in any uom of its dimension."""
    plan = get(session, plan_id)
    _refuse_inactive(plan)
    _check_correction(session, plan, body)
    row = new_record(
        plan,
        body.quantity,
        body.uom or plan.uom,
        source_type=body.source_type,
        source_id=body.source_id,
        recorded_at=body.recorded_at or utcnow(),
        user=user,
        corrects_id=body.corrects_id,
        properties=body.properties,
    )
    session.add(row)
    session.flush()
    _audit_record(session, row, user)
    return row


def _audit_record(session: Session, row: ConsumptionRecord, user: User | None) -> None:
    audit.record(
        session,
        object_type="consumption_record",
        object_id=row.id,
        scope_id=row.plan_id,
        action="create",
        after={
            "plan_id": row.plan_id,
            "quantity": row.quantity,
            "uom": row.uom,
            "plan_quantity": row.plan_quantity,
            "source_type": row.source_type,
            "source_id": row.source_id,
            "corrects_id": row.corrects_id,
            "recorded_at": row.recorded_at.isoformat(),
        },
        actor=user,
    )


def list_records(
    session: Session, plan: ConsumptionPlan, sort: SortOrder, page: PageParams
) -> tuple[Sequence[ConsumptionRecord], int]:
    """One page of a plan's records."""
    query = select(ConsumptionRecord).where(ConsumptionRecord.plan_id == plan.id)
    rows, total = paginate(session, sort.apply(query), page)
    return rows, total


def covering_plans(session: Session, config_id: str, day: date) -> list[ConsumptionPlan]:
    """The active plans of a material whose period holds the day."""
    return list(
        session.scalars(
            select(ConsumptionPlan)
            .where(
                ConsumptionPlan.item_config_id == config_id,
                ConsumptionPlan.state == "active",
                ConsumptionPlan.period_start <= day,
                ConsumptionPlan.period_end >= day,
            )
            .order_by(ConsumptionPlan.created_at, ConsumptionPlan.id)
        )
    )


def check_consuming(order: WorkOrder) -> None:
    """409 unless the order was released and not canceled."""
    if order.state == "canceled":
        raise InvalidState(
            f"work order {order.number} is canceled",
            code=codes.WORKORDER_CANCELED,
            context={"workorder_number": order.number, "state": order.state},
        )
    if order.state == "draft":
        raise InvalidState(
            f"work order {order.number} is a draft",
            code=codes.WORKORDER_NOT_RELEASED,
            context={"workorder_number": order.number, "state": order.state},
        )


def feed(
    session: Session,
    order: WorkOrder,
    config_id: str,
    quantity: Decimal,
    uom: str,
    recorded_at: datetime,
    user: User | None,
) -> list[ConsumptionRecord]:
    """Record one material an order used on every active plan covering the time."""
    rows = [
        new_record(
            plan,
            quantity,
            uom,
            source_type="workorder",
            source_id=order.id,
            recorded_at=recorded_at,
            user=user,
            properties={"workorder_number": order.number},
        )
        for plan in covering_plans(session, config_id, _day_of(recorded_at))
    ]
    session.add_all(rows)
    session.flush()
    for row in rows:
        _audit_record(session, row, user)
    return rows


def reported(session: Session, order: WorkOrder) -> bool:
    """True when consumption was recorded for the order already."""
    found = session.scalar(
        select(ConsumptionRecord.id)
        .where(
            ConsumptionRecord.source_type == "workorder",
            ConsumptionRecord.source_id == order.id,
        )
        .limit(1)
    )
    return found is not None
