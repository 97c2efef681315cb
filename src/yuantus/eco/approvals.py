"""ECO approvals: approve and reject a stage, once per user per stage visit."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yuantus.core import error_codes as ec
from yuantus.core.db import new_id
from yuantus.core.errors import Conflict, InvalidState, PermissionDenied, YuantusError
from yuantus.eco import codes
from yuantus.eco import stages as stage_service
from yuantus.eco.flow import ensure_open, get_for_update, missing_approvals, move, set_state, touch
from yuantus.eco.history import record_event, visit_decisions
from yuantus.eco.models import Eco, EcoApproval
from yuantus.identity.models import User


def approve(session: Session, eco: Eco, user: User, comment: str | None = None) -> Eco:
    """Approve the current stage; reaching min_approvals auto-progresses or sets approved."""
    eco = get_for_update(session, eco.id)
    stage = eco.stage
    decision = "comment" if stage.approval_type == "comment" else "approved"
    _decide(session, eco, user, decision, comment)
    if stage.approval_type == "mandatory" and not missing_approvals(session, eco):
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
        touch(eco)
    return eco


def _decide(session: Session, eco: Eco, user: User, decision: str, comment: str | None) -> None:
    ensure_open(eco, "decide on")
    stage = eco.stage
    if not stage.takes_approvals:
        raise InvalidState(
            f"stage {stage.name} takes no approvals",
            code=codes.NO_APPROVALS_ON_STAGE,
            context={"stage": stage.name},
        )
    if not user.has_role(*stage.approval_roles):
        roles = list(stage.approval_roles) or ["admin"]
        raise PermissionDenied(
            f"approving stage {stage.name} needs one of the roles: {', '.join(roles)}",
            code=ec.ROLE_REQUIRED,
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


def _on_approvals_met(session: Session, eco: Eco, user: User) -> None:
    """Auto-progress through the full move when the stage asks for it, else state approved."""
    stage = eco.stage
    following = stage_service.next_stage(session, stage)
    if stage.auto_progress and following is not None and not following.is_final:
        try:
            # a savepoint: a gate or action refusing the move undoes only the move, the
            # approval stands, and the ECO waits as approved in its stage
            with session.begin_nested():
                move(session, eco, following, user, auto=True)
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
    set_state(session, eco, "approved", user)


def _already_decided(eco: Eco, user: User) -> Conflict:
    return Conflict(
        f"{user.username} already decided on stage {eco.stage.name} of {eco.number}",
        code=codes.ALREADY_DECIDED,
        context={"eco_id": eco.id, "stage": eco.stage.name, "user_id": user.id},
    )
