"""The shared core of the ECO flow: locking, stage moves through the hooks, state.

`move` runs the seed's order (the ECO is already locked) in a savepoint: activity gate
-> before actions -> the move -> after actions.
"""

from __future__ import annotations

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.exc import StaleDataError

from yuantus.core.db import utcnow
from yuantus.core.errors import InvalidState, not_found
from yuantus.core.orm import get_or_404
from yuantus.eco import codes, target_lock
from yuantus.eco import stages as stage_service
from yuantus.eco.errors import eco_modified
from yuantus.eco.history import record_event, visit_decisions
from yuantus.eco.hooks import eco_transition, make_transition
from yuantus.eco.models import CLOSED_STATES, Eco, EcoStage
from yuantus.identity.models import User


def get(session: Session, eco_id: str) -> Eco:
    """An ECO by id; 404 eco_not_found."""
    return get_or_404(session, Eco, eco_id, codes.ECO_NOT_FOUND)


def get_for_update(session: Session, eco_id: str, expected_version: int | None = None) -> Eco:
    """An ECO locked for the rest of the transaction and re-read from the database.

    `expected_version` is the version the caller acted on: a different one once the lock is
    held means another transaction changed the ECO meanwhile (409 eco_modified).
    """
    try:
        # the target revision row first: edits of the target take the same order
        locked_target = target_lock.lock_target_row(session, eco_id)
        # no join to the stage: PostgreSQL re-checks a waited-for row against the joined row
        # it read before, so a stage changed meanwhile would hide the ECO (404) from the waiter
        eco = session.scalar(
            select(Eco)
            .where(Eco.id == eco_id)
            .options(lazyload(Eco.stage))
            .with_for_update(of=Eco)
            .execution_options(populate_existing=True)
        )
    except StaleDataError as exc:
        # the autoflush before the read wrote a stale copy: someone else changed the ECO
        raise eco_modified(eco_id, None, None) from exc
    if eco is None:
        raise not_found("eco", eco_id)
    if expected_version is not None and expected_version != eco.version:
        # the caller decided on a state that is gone (e.g. the loser of two racing applies)
        raise eco_modified(eco_id, expected_version, eco.version)
    if eco.target_item_id not in (None, locked_target):
        target_lock.lock_target_row(session, eco_id)
    return eco


def seen_version(eco: Eco) -> int | None:
    """The version of the caller's copy of the ECO, without loading it (None when expired)."""
    version = inspect(eco).dict.get("version")
    return version if isinstance(version, int) else None


def move_to_stage(session: Session, eco: Eco, stage: EcoStage, user: User | None) -> Eco:
    """Move the ECO to a stage: gate, before actions, the move, after actions."""
    eco = get_for_update(session, eco.id, seen_version(eco))
    move(session, eco, stage, user, auto=False)
    return eco


def move(session: Session, eco: Eco, stage: EcoStage, user: User | None, *, auto: bool) -> None:
    """Move through gate, before actions, the move and after actions (ECO already locked)."""
    _check_move(session, eco, stage)
    target_lock.check_move(session, eco, stage)
    transition = make_transition(
        eco,
        "move",
        state_after_entering(eco, stage),
        stage.name,
        uid(user),
        from_stage_id=eco.stage_id,
        to_stage_id=stage.id,
        auto_progress=auto,
    )
    with eco_transition(session, transition):
        _enter_stage(session, eco, stage, user, auto=auto)


def _check_move(session: Session, eco: Eco, stage: EcoStage) -> None:
    ensure_open(eco, "move")
    if stage.id == eco.stage_id:
        raise InvalidState(
            f"the ECO is already in stage {stage.name}",
            code=codes.STAGE_UNCHANGED,
            context={"stage_id": stage.id, "stage": stage.name},
        )
    if stage.is_final:
        raise InvalidState(
            f"{stage.name} is a final stage; an ECO reaches it by apply",
            code=codes.STAGE_FINAL,
            context={"stage_id": stage.id, "stage": stage.name},
        )
    if stage_service.is_after(session, stage, eco.stage):
        missing = missing_approvals(session, eco) + mandatory_stages_skipped(session, eco, stage)
        if missing:
            raise InvalidState(
                f"cannot move forward to {stage.name}: " + "; ".join(missing),
                code=codes.APPROVALS_MISSING,
                context={"missing": missing, "stage": eco.stage.name, "to_stage": stage.name},
            )


def _enter_stage(
    session: Session, eco: Eco, stage: EcoStage, user: User | None, *, auto: bool
) -> None:
    previous = eco.stage
    eco.stage = stage
    eco.stage_visit += 1
    target_lock.on_stage_entered(session, eco, previous, stage)
    eco.kanban_state = "normal"
    touch(eco)
    record_event(
        session,
        eco,
        "stage_changed",
        uid(user),
        from_value=previous.name,
        to_value=stage.name,
        data={
            "from_stage_id": previous.id,
            "to_stage_id": stage.id,
            "visit": eco.stage_visit,
            "auto_progress": auto,
        },
    )
    set_state(session, eco, state_after_entering(eco, stage), user)


def state_after_entering(eco: Eco, stage: EcoStage) -> str:
    """The ECO state once it enters a stage."""
    # a stage with approvals (or any stage once a target exists) means work in progress;
    # leaving a stage also ends its "approved" standing
    if stage.takes_approvals or eco.target_item_id is not None or eco.state == "approved":
        return "progress"
    return eco.state


def missing_approvals(session: Session, eco: Eco) -> list[str]:
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


def mandatory_stages_skipped(session: Session, eco: Eco, stage: EcoStage | None) -> list[str]:
    """The mandatory stages between the ECO's stage and `stage` (None: the last one)."""
    stages = stage_service.ordered_stages(session)
    ids = [s.id for s in stages]
    start = ids.index(eco.stage.id) + 1
    end = ids.index(stage.id) if stage is not None else len(stages)
    return [
        f"stage {s.name} needs its approvals and cannot be skipped"
        for s in stages[start:end]
        if s.approval_type == "mandatory"
    ]


def set_state(session: Session, eco: Eco, state: str, user: User | None) -> None:
    """Change the ECO state, recording the change."""
    if eco.state == state:
        return
    record_event(session, eco, "state_changed", uid(user), from_value=eco.state, to_value=state)
    eco.state = state
    touch(eco)
    session.flush()


def ensure_not_closed(eco: Eco, what: str) -> None:
    """409 eco_closed when the ECO is done or canceled."""
    if eco.state in CLOSED_STATES:
        raise InvalidState(
            f"cannot {what} an ECO that is {eco.state}",
            code=codes.ECO_CLOSED,
            context={"eco_id": eco.id, "state": eco.state},
        )


def ensure_open(eco: Eco, what: str) -> None:
    """409 eco_closed / eco_in_conflict / eco_scheduled when the ECO cannot take this action."""
    ensure_not_closed(eco, what)
    if eco.state == "conflict":
        raise InvalidState(
            f"cannot {what} an ECO in conflict; cancel it and raise a new one",
            code=codes.ECO_IN_CONFLICT,
            context={"eco_id": eco.id, "state": eco.state},
        )
    if eco.state == "scheduled":
        raise InvalidState(
            f"cannot {what} a scheduled ECO: it waits for its effectivity date; cancel it instead",
            code=codes.ECO_SCHEDULED,
            context={"eco_id": eco.id, "state": eco.state},
        )


def touch(eco: Eco) -> None:
    """Mark the ECO changed: the row is written and its version advances."""
    # every change bumps updated_at, so the row is written and its version advances
    eco.updated_at = utcnow()


def uid(user: User | None) -> str | None:
    """The id of a user, if any."""
    return user.id if user else None
