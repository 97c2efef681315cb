"""Applying an ECO (with conflict detection) and canceling it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from yuantus.core.db import utcnow
from yuantus.core.errors import InvalidState
from yuantus.eco import codes, effectivity
from yuantus.eco import stages as stage_service
from yuantus.eco.digest import check_approved_content
from yuantus.eco.errors import EcoConflictError
from yuantus.eco.flow import (
    ensure_not_closed,
    ensure_open,
    get_for_update,
    mandatory_stages_skipped,
    missing_approvals,
    seen_version,
    set_state,
    touch,
    uid,
)
from yuantus.eco.history import record_event
from yuantus.eco.hooks import eco_transition, make_transition
from yuantus.eco.models import CLOSED_STATES, Eco, EcoStage
from yuantus.eco.target_lock import applying
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.item.models import Item


def action_apply(session: Session, eco: Eco, user: User | None) -> Eco:
    """Release the target revision in place of the source: checks, gate, actions, conflict."""
    eco = get_for_update(session, eco.id, seen_version(eco))
    ensure_open(eco, "apply")
    missing = _missing_for_apply(session, eco)
    if missing:
        raise InvalidState(
            "the ECO cannot be applied yet: " + "; ".join(missing),
            code=codes.ECO_NOT_READY,
            context={"missing": missing, "state": eco.state, "stage": eco.stage.name},
        )
    assert eco.target_item_id is not None
    target = item_service.get(session, eco.target_item_id)
    # what is released must be what the approvals signed: checked before anything changes
    check_approved_content(session, eco, target)
    final = stage_service.final_stage(session)
    when = effectivity.switch_time(eco)
    # scheduled: the ECO waits in its stage; the switch takes it to the final one
    to_stage = final if final is not None and when is None else eco.stage
    transition = make_transition(
        eco,
        "apply",
        "done" if when is None else "scheduled",
        to_stage.name,
        uid(user),
        from_stage_id=eco.stage_id,
        to_stage_id=to_stage.id,
        target_item_id=target.id,
    )
    with eco_transition(session, transition):
        _check_conflict(session, eco, target, user)
        by = effectivity.eco_cause(eco)
        with applying(session, target.id):
            if target.state == "Draft":
                item_service.transition(session, target, "submit", user, check_roles=False, by=by)
            # the ECO's approvals are the authority here, not the user's item lifecycle roles
            item_service.transition(
                session,
                target,
                "release",
                user,
                check_roles=False,
                via_eco=True,
                effective_from=when,
                by=by,
            )
        if when is not None:
            # a future effectivity date: released now, current at `when` (eco/effectivity.py);
            # leaving the block runs the after hooks
            effectivity.schedule(session, eco, target, when, user)
            return eco
        if final is not None:
            _enter_final(session, eco, final, user)
        eco.kanban_state = "done"
        eco.applied_at = utcnow()
        touch(eco)
        record_event(
            session,
            eco,
            "applied",
            uid(user),
            from_value=_revision_of(session, eco),
            to_value=target.revision,
            data={"source_item_id": eco.product_id, "target_item_id": target.id},
        )
        set_state(session, eco, "done", user)
    return eco


def _missing_for_apply(session: Session, eco: Eco) -> list[str]:
    """What the ECO lacks to be applied: the rules of a forward move to the final stage."""
    missing = []
    if eco.target_item_id is None:
        missing.append("a target revision (run new-revision)")
    if eco.state != "approved" and not eco.stage.allow_apply:
        missing.append(f"state approved or a stage that allows apply (now {eco.stage.name})")
    # always: a rejection after the approval counts, whatever the state says
    missing += missing_approvals(session, eco)
    missing += mandatory_stages_skipped(session, eco, stage_service.final_stage(session))
    return missing


def _check_conflict(session: Session, eco: Eco, target: Item, user: User | None) -> None:
    current = item_service.get_current(session, eco.product_config_id)
    if current.id == eco.product_id:
        return
    source = item_service.get(session, eco.product_id)
    error = EcoConflictError(
        f"{source.item_number} moved on: rev {current.revision} was released after this ECO "
        f"was raised on rev {source.revision}",
        eco_id=eco.id,
        user_id=uid(user),
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
    # the apply rolls back, yet the ECO must show it is in conflict
    raise error.persist_after_rollback(lambda s: record_conflict(s, error))


def record_conflict(session: Session, error: EcoConflictError) -> Eco:
    """Put the ECO in state conflict after its failed apply was rolled back (idempotent)."""
    eco = get_for_update(session, error.eco_id)
    if eco.state in CLOSED_STATES or eco.state == "conflict":
        return eco
    record_event(session, eco, "conflict", error.user_id, data=dict(error.context))
    eco.state, previous = "conflict", eco.state
    touch(eco)
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
        uid(user),
        from_value=previous.name,
        to_value=final.name,
        data={"from_stage_id": previous.id, "to_stage_id": final.id, "visit": eco.stage_visit},
    )


def action_cancel(session: Session, eco: Eco, user: User | None) -> Eco:
    """Cancel the ECO: discard its draft target, or put a scheduled one back to Draft."""
    eco = get_for_update(session, eco.id, seen_version(eco))
    ensure_not_closed(eco, "cancel")
    transition = make_transition(
        eco, "cancel", "canceled", eco.stage.name, uid(user), target_item_id=eco.target_item_id
    )
    with eco_transition(session, transition):
        discarded = None
        # a scheduled release is taken back: the target is Draft again and stays (api-eco.md)
        withdrawn = effectivity.withdraw(session, eco, user) if eco.state == "scheduled" else None
        if eco.target_item_id is not None and withdrawn is None:
            target = item_service.get(session, eco.target_item_id)
            if target.state in ("Draft", "InReview"):
                eco.target_item_id = None
                session.flush()
                item_service.discard_draft(
                    session, target, actor=user, by=effectivity.eco_cause(eco)
                )
                discarded = target.id
        touch(eco)
        data = {"discarded_item_id": discarded, "withdrawn_item_id": withdrawn}
        record_event(session, eco, "canceled", uid(user), data=data)
        set_state(session, eco, "canceled", user)
    return eco


def _revision_of(session: Session, eco: Eco) -> str:
    return item_service.get(session, eco.product_id).revision
