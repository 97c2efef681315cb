"""ECO approvals: approve and reject a stage, once per user per stage visit.

approve and reject are hooked transitions (eco.approve, eco.reject) in a savepoint. When
an approval completes a stage that auto-progresses, the move that follows is its own
transition (eco.move) in its own savepoint: if it fails for any reason the approval is
kept, the ECO waits as approved and the answer carries a warning saying why.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from yuantus.core import hooks
from yuantus.core.context import current_request_id
from yuantus.core.db import new_id
from yuantus.core.errors import Conflict, InvalidState, YuantusError
from yuantus.core.orm import flush_or_conflict
from yuantus.core.rollback import write_in_savepoint
from yuantus.eco import codes
from yuantus.eco import stages as stage_service
from yuantus.eco.digest import decision_digest
from yuantus.eco.flow import ensure_open, get_for_update, move, seen_version, set_state, touch
from yuantus.eco.history import record_event, visit_decisions
from yuantus.eco.hooks import eco_transition, make_transition
from yuantus.eco.models import Eco, EcoApproval, EcoStage
from yuantus.identity import rules
from yuantus.identity.models import User

log = logging.getLogger("yuantus.eco")


def approve(session: Session, eco: Eco, user: User, comment: str | None = None) -> Eco:
    """Approve the current stage; reaching min_approvals auto-progresses or sets approved."""
    eco = get_for_update(session, eco.id, seen_version(eco))
    stage = eco.stage
    decision = "comment" if stage.approval_type == "comment" else "approved"
    _check_decision(session, eco, user)
    met = _completes_stage(session, eco, decision)
    following = stage_service.next_stage(session, stage) if met else None
    auto = stage.auto_progress and following is not None and not following.is_final
    to_state = "approved" if met and not auto else eco.state
    transition = make_transition(
        eco, "approve", to_state, stage.name, user.id, decision=decision, approvals_met=met
    )
    with eco_transition(session, transition):
        _record_decision(session, eco, user, decision, comment)
        set_state(session, eco, to_state, user)
    if auto:
        assert following is not None
        _auto_progress(session, eco, stage, following, user)
    return eco


def reject(session: Session, eco: Eco, user: User, comment: str | None = None) -> Eco:
    """Reject the current stage: the ECO is blocked (and no longer approved) until it
    re-enters the stage."""
    eco = get_for_update(session, eco.id, seen_version(eco))
    _check_decision(session, eco, user)
    # a rejection after the stage's approvals withdraws its approved standing
    to_state = "progress" if eco.state == "approved" else eco.state
    transition = make_transition(
        eco, "reject", to_state, eco.stage.name, user.id, decision="rejected"
    )
    with eco_transition(session, transition):
        _record_decision(session, eco, user, "rejected", comment)
        set_state(session, eco, to_state, user)
        if eco.kanban_state != "blocked":
            record_event(
                session,
                eco,
                "kanban_changed",
                user.id,
                from_value=eco.kanban_state,
                to_value="blocked",
            )
            eco.kanban_state = "blocked"
            touch(eco)
    return eco


def _check_decision(session: Session, eco: Eco, user: User) -> None:
    ensure_open(eco, "decide on")
    stage = eco.stage
    if not stage.takes_approvals:
        raise InvalidState(
            f"stage {stage.name} takes no approvals",
            code=codes.NO_APPROVALS_ON_STAGE,
            context={"stage": stage.name},
        )
    if not user.has_role(*stage.approval_roles):
        raise rules.role_required(
            stage.approval_roles,
            user.roles,
            action=f"approving stage {stage.name}",
            stage=stage.name,
        )
    if any(d.user_id == user.id for d in visit_decisions(session, eco)):
        raise _already_decided(eco, user)


def may_decide(session: Session, eco: Eco, user: User) -> bool:
    """True when the user may approve or reject the ECO's current stage now."""
    try:
        _check_decision(session, eco, user)
    except YuantusError:
        return False
    return True


def _completes_stage(session: Session, eco: Eco, decision: str) -> bool:
    """True when this decision gives a mandatory stage its last missing approval."""
    stage = eco.stage
    if stage.approval_type != "mandatory" or decision != "approved":
        return False
    decisions = visit_decisions(session, eco)
    if any(d.decision == "rejected" for d in decisions):
        return False
    approved = sum(1 for d in decisions if d.decision == "approved")
    return approved + 1 >= stage.min_approvals


def _record_decision(
    session: Session, eco: Eco, user: User, decision: str, comment: str | None
) -> None:
    stage = eco.stage
    session.add(
        EcoApproval(
            id=new_id(),
            eco_id=eco.id,
            stage_id=stage.id,
            stage_visit=eco.stage_visit,
            user_id=user.id,
            decision=decision,
            comment=comment,
            content_digest=decision_digest(session, eco),
        )
    )
    flush_or_conflict(session, _already_decided(eco, user))
    touch(eco)
    event_type = {"approved": "approved", "rejected": "rejected", "comment": "commented"}[decision]
    record_event(
        session,
        eco,
        event_type,
        user.id,
        to_value=stage.name,
        data={"comment": comment, "stage_id": stage.id, "visit": eco.stage_visit},
    )


def _auto_progress(
    session: Session, eco: Eco, stage: EcoStage, following: EcoStage, user: User
) -> None:
    """Move on through the full, hooked move; if it fails the ECO waits as approved."""
    try:
        # move() runs in its own savepoint: a failure undoes only the move
        move(session, eco, following, user, auto=True)
        return
    except YuantusError as exc:
        # the refusal's own records (e.g. a failed action run) persist with the approval
        write_in_savepoint(session, exc, where=f"auto-progress of {eco.number}")
        code, message = exc.code, exc.message
    except Exception:
        # a bug in a hook must not cost the approver their approval (nor answer 500)
        request_id = current_request_id()
        log.exception(
            "auto-progress of %s to %s failed; request_id=%s",
            eco.number,
            following.name,
            request_id,
        )
        code = "auto_progress_failed"
        message = "an internal error stopped the move " + (
            f"(request id {request_id})" if request_id else "(see the server log)"
        )
    eco = get_for_update(session, eco.id)
    record_event(
        session,
        eco,
        "auto_progress_blocked",
        user.id,
        from_value=stage.name,
        to_value=following.name,
        data={"code": code, "message": message},
    )
    set_state(session, eco, "approved", user)
    hooks.add_warnings(
        session, [f"{eco.number} stays in {stage.name}, not moved to {following.name}: {message}"]
    )


def _already_decided(eco: Eco, user: User) -> Conflict:
    return Conflict(
        f"{user.username} already decided on stage {eco.stage.name} of {eco.number}",
        code=codes.ALREADY_DECIDED,
        context={"eco_id": eco.id, "stage": eco.stage.name, "user_id": user.id},
    )
