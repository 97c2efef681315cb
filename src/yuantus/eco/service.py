"""The ECO flow: create, new revision, stage moves, approvals, apply, cancel.

Every flow function locks the ECO row first, then checks, then changes, and writes one
history event per change, all in the caller's transaction. `move_to_stage` and
`action_apply` run the seed's order: gate -> before actions -> transition -> after actions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from yuantus.core import sequences
from yuantus.core.db import new_id, utcnow
from yuantus.core.errors import (
    Conflict,
    InvalidState,
    PermissionDenied,
    Unprocessable,
    YuantusError,
    not_found,
)
from yuantus.eco import stages as stage_service
from yuantus.eco.errors import EcoConflictError, eco_modified
from yuantus.eco.history import record_event, visit_decisions
from yuantus.eco.hooks import (
    _ensure_activity_gate_ready,
    _run_custom_actions,
    eco_action_hooks,
    eco_gate_hooks,
    eco_hooks,
    make_transition,
)
from yuantus.eco.models import (
    CLOSED_STATES,
    ECO_TYPES,
    PRIORITIES,
    Eco,
    EcoApproval,
    EcoStage,
)
from yuantus.eco.queries import bom_changes, list_ecos
from yuantus.eco.stages import ensure_default_stages
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.item.models import Item

__all__ = [
    "_ensure_activity_gate_ready",
    "_run_custom_actions",
    "action_apply",
    "action_cancel",
    "action_new_revision",
    "approve",
    "bom_changes",
    "create_eco",
    "eco_action_hooks",
    "eco_gate_hooks",
    "eco_hooks",
    "ensure_default_stages",
    "get",
    "get_for_update",
    "list_ecos",
    "move_to_stage",
    "record_conflict",
    "reject",
    "update_eco",
]

# which item type each ECO type can change (None: any)
ECO_TYPE_ITEM = {"bom": "Part", "document": "Document", "product": None}
UPDATABLE = ("name", "description", "priority", "effectivity_date", "eco_type")


def get(session: Session, eco_id: str) -> Eco:
    """An ECO by id; 404 eco_not_found."""
    eco = session.get(Eco, eco_id)
    if eco is None:
        raise not_found("eco", eco_id)
    return eco


def get_for_update(session: Session, eco_id: str) -> Eco:
    """An ECO locked for the rest of the transaction and re-read from the database."""
    try:
        eco = session.scalar(
            select(Eco)
            .where(Eco.id == eco_id)
            .with_for_update(of=Eco)
            .execution_options(populate_existing=True)
        )
    except StaleDataError as exc:
        # the autoflush before the read wrote a stale copy: someone else changed the ECO
        raise eco_modified(eco_id, None, None) from exc
    if eco is None:
        raise not_found("eco", eco_id)
    return eco


def create_eco(
    session: Session,
    *,
    name: str,
    eco_type: str,
    product_id: str,
    user: User | None,
    description: str | None = None,
    priority: str = "normal",
    effectivity_date: date | None = None,
) -> Eco:
    """A new ECO (state draft, first stage) on the current released revision of a product."""
    _check_choice("eco_type", eco_type, ECO_TYPES)
    _check_choice("priority", priority, PRIORITIES)
    product = item_service.get(session, product_id)
    _check_type_fits(eco_type, product)
    if not (product.is_current and product.state == "Released"):
        raise InvalidState(
            f"{product.item_number} rev {product.revision} is not the current released revision",
            code="product_not_released",
            context={"product_id": product.id, "state": product.state},
        )
    ensure_default_stages(session)
    stage = stage_service.first_stage(session)
    eco = Eco(
        id=new_id(),
        number=sequences.formatted(session, "eco_number", "ECO", 5),
        name=name,
        eco_type=eco_type,
        product_id=product.id,
        product_config_id=product.config_id,
        stage=stage,
        stage_visit=1,
        state="draft",
        kanban_state="normal",
        priority=priority,
        effectivity_date=effectivity_date,
        description=description,
        created_by=user.id if user else None,
    )
    session.add(eco)
    session.flush()
    record_event(
        session,
        eco,
        "created",
        _uid(user),
        to_value=stage.name,
        data={"product_id": product.id, "eco_type": eco_type},
    )
    return eco


def update_eco(
    session: Session,
    eco: Eco,
    user: User | None,
    *,
    expected_version: int | None = None,
    **changes: Any,
) -> Eco:
    """Edit an open ECO's name, description, priority, effectivity or type (optimistic lock)."""
    eco = get_for_update(session, eco.id)
    if expected_version is not None and expected_version != eco.version:
        raise eco_modified(eco.id, expected_version, eco.version)
    _ensure_not_closed(eco, "edit")
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise Unprocessable(f"unknown ECO fields {sorted(unknown)}", code="unknown_field")
    if "priority" in changes:
        _check_choice("priority", changes["priority"], PRIORITIES)
    if "eco_type" in changes:
        _check_choice("eco_type", changes["eco_type"], ECO_TYPES)
        _check_type_fits(changes["eco_type"], item_service.get(session, eco.product_id))
    diff = {
        k: [_text(getattr(eco, k)), _text(v)] for k, v in changes.items() if getattr(eco, k) != v
    }
    if not diff:
        return eco
    for field_name, value in changes.items():
        setattr(eco, field_name, value)
    _touch(eco)
    record_event(session, eco, "updated", _uid(user), data={"changes": diff})
    return eco


def action_new_revision(session: Session, eco: Eco, user: User | None) -> Eco:
    """Open the target Draft revision of the product; the ECO goes to state progress."""
    eco = get_for_update(session, eco.id)
    _ensure_open(eco, "open a new revision")
    if eco.target_item_id is not None:
        raise InvalidState(
            "the ECO already has a target revision",
            code="target_exists",
            context={"target_item_id": eco.target_item_id},
        )
    # revise the item's head: a change released meanwhile is then caught as a conflict at apply
    current = item_service.get_current(session, eco.product_config_id)
    target = item_service.revise(session, current, user)
    eco.target_item_id = target.id
    _touch(eco)
    record_event(
        session,
        eco,
        "new_revision",
        _uid(user),
        from_value=current.revision,
        to_value=target.revision,
        data={"based_on_item_id": current.id, "target_item_id": target.id},
    )
    _set_state(session, eco, "progress", user)
    return eco


def move_to_stage(session: Session, eco: Eco, stage: EcoStage, user: User | None) -> Eco:
    """Move the ECO to a stage: gate, before actions, the move, after actions."""
    eco = get_for_update(session, eco.id)
    _move(session, eco, stage, user, auto=False)
    return eco


def _move(session: Session, eco: Eco, stage: EcoStage, user: User | None, *, auto: bool) -> None:
    _check_move(session, eco, stage)
    transition = make_transition(
        eco,
        "move_to_stage",
        eco.stage.name,
        stage.name,
        _uid(user),
        from_stage_id=eco.stage_id,
        to_stage_id=stage.id,
        auto_progress=auto,
    )
    _ensure_activity_gate_ready(session, eco, transition)
    _run_custom_actions(session, eco, transition, "before")
    _enter_stage(session, eco, stage, user, auto=auto)
    _run_custom_actions(session, eco, transition, "after")


def _check_move(session: Session, eco: Eco, stage: EcoStage) -> None:
    _ensure_open(eco, "move")
    if stage.id == eco.stage_id:
        raise InvalidState(
            f"the ECO is already in stage {stage.name}",
            context={"stage_id": stage.id, "stage": stage.name},
        )
    if stage.is_final:
        raise InvalidState(
            f"{stage.name} is a final stage; an ECO reaches it by apply",
            context={"stage_id": stage.id, "stage": stage.name},
        )
    if stage_service.is_after(session, stage, eco.stage):
        missing = _missing_approvals(session, eco)
        skipped = [
            s.name
            for s in stage_service.stages_between(session, eco.stage, stage)
            if s.approval_type == "mandatory"
        ]
        missing += [f"stage {name} needs its approvals and cannot be skipped" for name in skipped]
        if missing:
            raise InvalidState(
                f"cannot move forward to {stage.name}: " + "; ".join(missing),
                code="approvals_missing",
                context={"missing": missing, "stage": eco.stage.name, "to_stage": stage.name},
            )


def _enter_stage(
    session: Session, eco: Eco, stage: EcoStage, user: User | None, *, auto: bool
) -> None:
    previous = eco.stage
    eco.stage = stage
    eco.stage_visit += 1
    eco.kanban_state = "normal"
    _touch(eco)
    record_event(
        session,
        eco,
        "stage_changed",
        _uid(user),
        from_value=previous.name,
        to_value=stage.name,
        data={
            "from_stage_id": previous.id,
            "to_stage_id": stage.id,
            "visit": eco.stage_visit,
            "auto_progress": auto,
        },
    )
    # a stage with approvals (or any stage once a target exists) means work in progress;
    # leaving a stage also ends its "approved" standing
    if stage.takes_approvals or eco.target_item_id is not None or eco.state == "approved":
        _set_state(session, eco, "progress", user)


def approve(session: Session, eco: Eco, user: User, comment: str | None = None) -> Eco:
    """Approve the current stage; reaching min_approvals auto-progresses or sets approved."""
    eco = get_for_update(session, eco.id)
    stage = eco.stage
    decision = "comment" if stage.approval_type == "comment" else "approved"
    _decide(session, eco, user, decision, comment)
    if stage.approval_type == "mandatory" and not _missing_approvals(session, eco):
        _on_approvals_met(session, eco, user)
    return eco


def reject(session: Session, eco: Eco, user: User, comment: str | None = None) -> Eco:
    """Reject the current stage: the ECO is blocked until it re-enters the stage."""
    eco = get_for_update(session, eco.id)
    _decide(session, eco, user, "rejected", comment)
    if eco.kanban_state != "blocked":
        record_event(
            session, eco, "kanban_changed", user.id, from_value=eco.kanban_state, to_value="blocked"
        )
        eco.kanban_state = "blocked"
        _touch(eco)
    return eco


def _decide(session: Session, eco: Eco, user: User, decision: str, comment: str | None) -> None:
    _ensure_open(eco, "decide on")
    stage = eco.stage
    if not stage.takes_approvals:
        raise InvalidState(
            f"stage {stage.name} takes no approvals",
            code="no_approvals_on_stage",
            context={"stage": stage.name},
        )
    if not user.has_role(*stage.approval_roles):
        roles = list(stage.approval_roles) or ["admin"]
        raise PermissionDenied(
            f"approving stage {stage.name} needs one of the roles: {', '.join(roles)}",
            code="role_required",
            context={"required_roles": roles, "user_roles": list(user.roles), "stage": stage.name},
        )
    if any(d.user_id == user.id for d in visit_decisions(session, eco)):
        raise _already_decided(eco, user)
    session.add(
        EcoApproval(
            id=new_id(),
            eco_id=eco.id,
            stage_id=stage.id,
            stage_visit=eco.stage_visit,
            user_id=user.id,
            decision=decision,
            comment=comment,
        )
    )
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise _already_decided(eco, user) from exc
    _touch(eco)
    event_type = {"approved": "approved", "rejected": "rejected", "comment": "commented"}[decision]
    record_event(
        session,
        eco,
        event_type,
        user.id,
        to_value=stage.name,
        data={"comment": comment, "stage_id": stage.id, "visit": eco.stage_visit},
    )


def _on_approvals_met(session: Session, eco: Eco, user: User) -> None:
    """Auto-progress through the full move when the stage asks for it, else state approved."""
    stage = eco.stage
    following = stage_service.next_stage(session, stage)
    if stage.auto_progress and following is not None and not following.is_final:
        try:
            # a savepoint: a gate or action refusing the move undoes only the move, the
            # approval stands, and the ECO waits as approved in its stage
            with session.begin_nested():
                _move(session, eco, following, user, auto=True)
            return
        except YuantusError as exc:
            eco = get_for_update(session, eco.id)
            record_event(
                session,
                eco,
                "auto_progress_blocked",
                user.id,
                from_value=stage.name,
                to_value=following.name,
                data={"code": exc.code, "message": exc.message},
            )
    _set_state(session, eco, "approved", user)


def action_apply(session: Session, eco: Eco, user: User | None) -> Eco:
    """Release the target revision in place of the source: checks, gate, actions, conflict."""
    eco = get_for_update(session, eco.id)
    _ensure_open(eco, "apply")
    missing = _missing_for_apply(session, eco)
    if missing:
        raise InvalidState(
            "the ECO cannot be applied yet: " + "; ".join(missing),
            code="eco_not_ready",
            context={"missing": missing, "state": eco.state, "stage": eco.stage.name},
        )
    assert eco.target_item_id is not None
    target = item_service.get(session, eco.target_item_id)
    final = stage_service.final_stage(session)
    transition = make_transition(
        eco,
        "apply",
        eco.stage.name,
        final.name if final else eco.stage.name,
        _uid(user),
        from_stage_id=eco.stage_id,
        to_stage_id=final.id if final else eco.stage_id,
        target_item_id=target.id,
    )
    _ensure_activity_gate_ready(session, eco, transition)
    _run_custom_actions(session, eco, transition, "before")
    _check_conflict(session, eco, target, user)
    if target.state == "Draft":
        item_service.transition(session, target, "submit", user, check_roles=False)
    # the ECO's approvals are the authority here, not the user's item lifecycle roles
    item_service.transition(session, target, "release", user, check_roles=False)
    if final is not None:
        _enter_final(session, eco, final, user)
    eco.kanban_state = "done"
    eco.applied_at = utcnow()
    _touch(eco)
    record_event(
        session,
        eco,
        "applied",
        _uid(user),
        from_value=_revision_of(session, eco),
        to_value=target.revision,
        data={"source_item_id": eco.product_id, "target_item_id": target.id},
    )
    _set_state(session, eco, "done", user)
    _run_custom_actions(session, eco, transition, "after")
    return eco


def _missing_for_apply(session: Session, eco: Eco) -> list[str]:
    missing = []
    if eco.target_item_id is None:
        missing.append("a target revision (run new-revision)")
    if eco.state != "approved":
        if not eco.stage.allow_apply:
            missing.append(f"state approved or a stage that allows apply (now {eco.stage.name})")
        missing += _missing_approvals(session, eco)
    return missing


def _check_conflict(session: Session, eco: Eco, target: Item, user: User | None) -> None:
    current = item_service.get_current(session, eco.product_config_id)
    if current.id == eco.product_id:
        return
    source = item_service.get(session, eco.product_id)
    raise EcoConflictError(
        f"{source.item_number} moved on: rev {current.revision} was released after this ECO "
        f"was raised on rev {source.revision}",
        eco_id=eco.id,
        user_id=_uid(user),
        context={
            "eco_id": eco.id,
            "source_item_id": source.id,
            "source_revision": source.revision,
            "current_item_id": current.id,
            "current_revision": current.revision,
            "target_item_id": target.id,
            "target_revision": target.revision,
        },
    )


def record_conflict(session: Session, error: EcoConflictError) -> Eco:
    """Put the ECO in state conflict after its failed apply was rolled back (idempotent)."""
    eco = get_for_update(session, error.eco_id)
    if eco.state in CLOSED_STATES or eco.state == "conflict":
        return eco
    record_event(session, eco, "conflict", error.user_id, data=dict(error.context))
    eco.state, previous = "conflict", eco.state
    _touch(eco)
    record_event(
        session, eco, "state_changed", error.user_id, from_value=previous, to_value="conflict"
    )
    return eco


def _enter_final(session: Session, eco: Eco, final: EcoStage, user: User | None) -> None:
    previous = eco.stage
    eco.stage = final
    eco.stage_visit += 1
    record_event(
        session,
        eco,
        "stage_changed",
        _uid(user),
        from_value=previous.name,
        to_value=final.name,
        data={"from_stage_id": previous.id, "to_stage_id": final.id, "visit": eco.stage_visit},
    )


def action_cancel(session: Session, eco: Eco, user: User | None) -> Eco:
    """Cancel the ECO and discard its draft target revision."""
    eco = get_for_update(session, eco.id)
    _ensure_not_closed(eco, "cancel")
    discarded = None
    if eco.target_item_id is not None:
        target = item_service.get(session, eco.target_item_id)
        if target.state in ("Draft", "InReview"):
            eco.target_item_id = None
            session.flush()
            item_service.discard_draft(session, target)
            discarded = target.id
    _touch(eco)
    record_event(session, eco, "canceled", _uid(user), data={"discarded_item_id": discarded})
    _set_state(session, eco, "canceled", user)
    return eco


def _missing_approvals(session: Session, eco: Eco) -> list[str]:
    """What the current stage visit still lacks before the ECO may leave it forward."""
    stage = eco.stage
    if stage.approval_type != "mandatory":
        return []
    decisions = visit_decisions(session, eco)
    rejected = [d for d in decisions if d.decision == "rejected"]
    if rejected:
        return [f"stage {stage.name} was rejected; move the ECO back and resubmit"]
    approved = sum(1 for d in decisions if d.decision == "approved")
    if approved >= stage.min_approvals:
        return []
    return [
        f"stage {stage.name} needs {stage.min_approvals - approved} more approval(s) "
        f"from one of the roles: {', '.join(stage.approval_roles)}"
    ]


def _set_state(session: Session, eco: Eco, state: str, user: User | None) -> None:
    if eco.state == state:
        return
    record_event(session, eco, "state_changed", _uid(user), from_value=eco.state, to_value=state)
    eco.state = state
    _touch(eco)
    session.flush()


def _ensure_not_closed(eco: Eco, what: str) -> None:
    if eco.state in CLOSED_STATES:
        raise InvalidState(
            f"cannot {what} an ECO that is {eco.state}",
            context={"eco_id": eco.id, "state": eco.state},
        )


def _ensure_open(eco: Eco, what: str) -> None:
    _ensure_not_closed(eco, what)
    if eco.state == "conflict":
        raise InvalidState(
            f"cannot {what} an ECO in conflict; cancel it and raise a new one",
            context={"eco_id": eco.id, "state": eco.state},
        )


def _check_type_fits(eco_type: str, product: Item) -> None:
    needed = ECO_TYPE_ITEM.get(eco_type)
    if needed is not None and product.item_type != needed:
        raise Unprocessable(
            f"an ECO of type {eco_type} changes a {needed}, not a {product.item_type}",
            code="eco_type_mismatch",
            context={"eco_type": eco_type, "item_type": product.item_type},
        )


def _check_choice(field_name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise Unprocessable(
            f"unknown {field_name} {value!r}",
            code=f"invalid_{field_name}",
            context={"allowed": list(allowed)},
        )


def _already_decided(eco: Eco, user: User) -> Conflict:
    return Conflict(
        f"{user.username} already decided on stage {eco.stage.name} of {eco.number}",
        code="already_decided",
        context={"eco_id": eco.id, "stage": eco.stage.name, "user_id": user.id},
    )


def _revision_of(session: Session, eco: Eco) -> str:
    return item_service.get(session, eco.product_id).revision


def _touch(eco: Eco) -> None:
    # every change bumps updated_at, so the row is written and its version advances
    eco.updated_at = utcnow()


def _uid(user: User | None) -> str | None:
    return user.id if user else None


def _text(value: object) -> str | None:
    return None if value is None else str(value)
