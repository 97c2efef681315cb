"""ECOActivityValidationService: create activities, check their graph, move them, list them.

Every write locks the ECO row first (the same lock the ECO flow takes), so activity changes
and the ECO's gated moves never interleave, and the per-ECO event sequence stays gap-free.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from yuantus.audit import service as audit
from yuantus.core.db import new_id, utcnow
from yuantus.core.errors import InvalidState, NotFound, PermissionDenied, Unprocessable
from yuantus.core.orm import get_or_404
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.eco import service as eco_service
from yuantus.eco.models import CLOSED_STATES, Eco
from yuantus.eco.stages import find_cycle
from yuantus.eco_activity import codes
from yuantus.eco_activity.blockers import activities_of, unmet_dependencies
from yuantus.eco_activity.models import (
    FINAL_STATUSES,
    MOVER_ROLES,
    OPEN_STATUSES,
    TRANSITIONS,
    EcoActivityGate,
    EcoActivityGateEvent,
)
from yuantus.event import service as events
from yuantus.identity.models import User

AUDIT_TYPE = "eco_activity"


def get(session: Session, activity_id: str) -> EcoActivityGate:
    """An activity by id; 404 activity_not_found."""
    return get_or_404(session, EcoActivityGate, activity_id, codes.ACTIVITY_NOT_FOUND)


def _locked_eco(session: Session, eco_id: str, what: str) -> Eco:
    """The ECO row locked for the transaction; 409 eco_closed when it is done or canceled."""
    eco = eco_service.get_for_update(session, eco_service.get(session, eco_id).id)
    eco_service.ensure_not_closed(eco, what)
    return eco


def _snapshot(a: EcoActivityGate) -> dict[str, Any]:
    return {
        "eco_id": a.eco_id,
        "name": a.name,
        "status": a.status,
        "is_blocking": a.is_blocking,
        "depends_on": list(a.depends_on),
        "assignee_id": a.assignee_id,
        "assignee_role": a.assignee_role,
        "due_at": a.due_at,
        "properties": dict(a.properties),
    }


def record_event(
    session: Session,
    activity: EcoActivityGate,
    from_status: str | None,
    reason: str | None,
    user_id: str | None,
) -> EcoActivityGateEvent:
    """Append one event to the ECO's activity trail (the ECO row is locked by the caller)."""
    last = session.scalar(
        select(func.max(EcoActivityGateEvent.seq)).where(
            EcoActivityGateEvent.eco_id == activity.eco_id
        )
    )
    row = EcoActivityGateEvent(
        id=new_id(),
        eco_id=activity.eco_id,
        activity_id=activity.id,
        seq=(last or 0) + 1,
        from_status=from_status,
        to_status=activity.status,
        reason=reason,
        user_id=user_id,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def _check_assignee(session: Session, assignee_id: str | None) -> None:
    if assignee_id is None:
        return
    user = session.get(User, assignee_id)
    if user is None or not user.is_active:
        raise Unprocessable(
            "no active user with that assignee_id",
            code=codes.ASSIGNEE_NOT_FOUND,
            context={"assignee_id": assignee_id},
        )


def _check_dependencies(session: Session, eco_id: str, depends_on: list[str]) -> list[str]:
    """The dependency ids, deduplicated in order; 422 when one is unknown or of another ECO."""
    ids = list(dict.fromkeys(depends_on))
    if not ids:
        return ids
    found: dict[str, str] = dict(
        session.execute(
            select(EcoActivityGate.id, EcoActivityGate.eco_id).where(EcoActivityGate.id.in_(ids))
        ).all()
    )
    missing = [i for i in ids if i not in found]
    other = [i for i in ids if i in found and found[i] != eco_id]
    if missing or other:
        raise Unprocessable(
            "dependencies must be activities of the same ECO",
            code=codes.INVALID_DEPENDENCY,
            context={"missing": missing, "other_eco": other},
        )
    return ids


def _check_no_cycle(session: Session, activity: EcoActivityGate, depends_on: list[str]) -> None:
    """409 activity_cycle when the activity's new dependencies lead back to it."""
    graph = {a.id: list(a.depends_on) for a in activities_of(session, activity.eco_id)}
    graph[activity.id] = depends_on
    cycle = find_cycle(graph, activity.id)
    if cycle:
        names: dict[str, str] = dict(
            session.execute(
                select(EcoActivityGate.id, EcoActivityGate.name).where(
                    EcoActivityGate.id.in_(set(cycle))
                )
            ).all()
        )
        raise InvalidState(
            "the dependencies would form a cycle: " + " -> ".join(names[i] for i in cycle),
            code=codes.ACTIVITY_CYCLE,
            context={"path": cycle, "names": [names[i] for i in cycle]},
        )


def create(
    session: Session,
    user: User | None,
    *,
    eco_id: str,
    name: str,
    description: str | None = None,
    depends_on_activity_ids: list[str] | None = None,
    is_blocking: bool = True,
    assignee_id: str | None = None,
    assignee_role: str | None = None,
    due_at: datetime | None = None,
    properties: dict[str, Any] | None = None,
    stage_id: str | None = None,
    stage_visit: int | None = None,
    template_name: str | None = None,
    activity_id: str | None = None,
) -> EcoActivityGate:
    """A new pending activity on an open ECO; its creation is the first event."""
    eco = _locked_eco(session, eco_id, "add activities to")
    _check_assignee(session, assignee_id)
    depends_on = _check_dependencies(session, eco.id, depends_on_activity_ids or [])
    activity = EcoActivityGate(
        id=activity_id or new_id(),
        eco_id=eco.id,
        name=name,
        description=description,
        status="pending",
        is_blocking=is_blocking,
        depends_on=depends_on,
        assignee_id=assignee_id,
        assignee_role=assignee_role,
        due_at=due_at,
        properties=properties or {},
        created_by=user.id if user else None,
        stage_id=stage_id,
        stage_visit=stage_visit,
        template_name=template_name,
    )
    session.add(activity)
    session.flush()
    record_event(session, activity, None, "created", activity.created_by)
    audit.record(
        session,
        object_type=AUDIT_TYPE,
        object_id=activity.id,
        action="create",
        after=_snapshot(activity),
        actor=user,
        scope_id=eco.id,
    )
    return activity


def update(
    session: Session, activity: EcoActivityGate, user: User, **changes: Any
) -> EcoActivityGate:
    """Edit an open activity (name, dependencies, assignment, due date, properties)."""
    _locked_eco(session, activity.eco_id, "change activities of")
    session.refresh(activity)
    _ensure_may_move(activity, user)
    if activity.status in FINAL_STATUSES:
        raise InvalidState(
            f"activity {activity.name} is {activity.status} and cannot change",
            code=codes.ACTIVITY_CLOSED,
            context={"activity_id": activity.id, "state": activity.status},
        )
    before = _snapshot(activity)
    if "assignee_id" in changes:
        _check_assignee(session, changes["assignee_id"])
    if "depends_on_activity_ids" in changes:
        ids = _check_dependencies(session, activity.eco_id, changes.pop("depends_on_activity_ids"))
        _check_no_cycle(session, activity, ids)
        activity.depends_on = ids
    for field_name, value in changes.items():
        setattr(activity, field_name, value)
    activity.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        object_type=AUDIT_TYPE,
        object_id=activity.id,
        action="update",
        before=before,
        after=_snapshot(activity),
        actor=user,
        scope_id=activity.eco_id,
    )
    return activity


def may_move(activity: EcoActivityGate, user: User) -> bool:
    """Its assignee, a holder of its assignee role, an engineer or an admin moves it."""
    if user.has_role(*MOVER_ROLES) or activity.assignee_id == user.id:
        return True
    return activity.assignee_role is not None and activity.assignee_role in user.roles


def _ensure_may_move(activity: EcoActivityGate, user: User) -> None:
    if not may_move(activity, user):
        raise PermissionDenied(
            f"only the assignee, a holder of its role, an engineer or an admin may change "
            f"activity {activity.name}",
            code=codes.ACTIVITY_FORBIDDEN,
            context={
                "activity_id": activity.id,
                "assignee_id": activity.assignee_id,
                "assignee_role": activity.assignee_role,
            },
        )


def transition(
    session: Session, activity: EcoActivityGate, to_status: str, user: User, reason: str | None
) -> EcoActivityGate:
    """Move an activity along its allowed moves; completing needs completed dependencies."""
    _locked_eco(session, activity.eco_id, "change activities of")
    session.refresh(activity)
    _ensure_may_move(activity, user)
    allowed = TRANSITIONS[activity.status]
    if to_status not in allowed:
        raise InvalidState(
            f"activity {activity.name} cannot move from {activity.status} to {to_status}",
            code=codes.INVALID_TRANSITION,
            context={
                "activity_id": activity.id,
                "state": activity.status,
                "to_status": to_status,
                "allowed": list(allowed),
            },
        )
    if to_status == "completed":
        by_id = {a.id: a for a in activities_of(session, activity.eco_id)}
        unmet = unmet_dependencies(activity, by_id)
        if unmet:
            raise InvalidState(
                f"activity {activity.name} waits for: " + ", ".join(d.name for d in unmet),
                code=codes.ACTIVITY_BLOCKED,
                context={
                    "activity_id": activity.id,
                    "dependencies": [d.model_dump() for d in unmet],
                },
            )
    before = _snapshot(activity)
    from_status = activity.status
    activity.status = to_status
    if to_status in FINAL_STATUSES:
        activity.closed_at = utcnow()
        activity.closed_by = user.id
    activity.updated_at = utcnow()
    session.flush()
    record_event(session, activity, from_status, reason, user.id)
    events.emit(
        session,
        "eco.activity_changed",
        object_type="ECO",
        object_id=activity.eco_id,
        payload={
            "activity_id": activity.id,
            "name": activity.name,
            "from_state": from_status,
            "to_state": to_status,
            "reason": reason,
        },
        actor=user,
    )
    audit.record(
        session,
        object_type=AUDIT_TYPE,
        object_id=activity.id,
        action=f"transition:{to_status}",
        before=before,
        after={**_snapshot(activity), "reason": reason},
        actor=user,
        scope_id=activity.eco_id,
    )
    return activity


def allowed_moves(
    session: Session, activity: EcoActivityGate, user: User
) -> list[tuple[str, list[str]]]:
    """The moves the user may make now, each with the roles that may make it."""
    eco = eco_service.get(session, activity.eco_id)
    if eco.state in CLOSED_STATES or not may_move(activity, user):
        return []
    roles = sorted({*MOVER_ROLES, *([activity.assignee_role] if activity.assignee_role else [])})
    moves = list(TRANSITIONS[activity.status])
    if "completed" in moves:
        by_id = {a.id: a for a in activities_of(session, activity.eco_id)}
        if unmet_dependencies(activity, by_id):
            moves.remove("completed")
    return [(m, roles) for m in moves]


def list_activities(
    session: Session,
    eco_id: str,
    page: PageParams,
    sort: SortOrder,
    *,
    state: str | None = None,
    assignee_id: str | None = None,
    is_blocking: bool | None = None,
) -> tuple[list[EcoActivityGate], int]:
    """A page of an ECO's activities, filtered by state, assignee or blocking."""
    eco = eco_service.get(session, eco_id)
    query: Select[Any] = select(EcoActivityGate).where(EcoActivityGate.eco_id == eco.id)
    if state is not None:
        query = query.where(EcoActivityGate.status == state)
    if assignee_id is not None:
        query = query.where(EcoActivityGate.assignee_id == assignee_id)
    if is_blocking is not None:
        query = query.where(EcoActivityGate.is_blocking.is_(is_blocking))
    return paginate(session, sort.apply(query), page)


def waiting_condition(user: User) -> Any:
    """Open activities on open ECOs assigned to the user or to one of the user's roles."""
    mine = [EcoActivityGate.assignee_id == user.id]
    if user.roles:
        mine.append(EcoActivityGate.assignee_role.in_(list(user.roles)))
    return and_(
        EcoActivityGate.status.in_(OPEN_STATUSES),
        or_(*mine),
        exists().where(Eco.id == EcoActivityGate.eco_id, Eco.state.not_in(CLOSED_STATES)),
    )


def list_waiting(
    session: Session, user: User, page: PageParams, sort: SortOrder, *, mine: bool = True
) -> tuple[list[EcoActivityGate], int]:
    """A page of the open activities waiting for the user over every open ECO (or all)."""
    query = select(EcoActivityGate)
    if mine:
        query = query.where(waiting_condition(user))
    return paginate(session, sort.apply(query), page)


def eco_waiting_source(_session: Session, user: User) -> Any:
    """ECO `waiting_for_me` also lists ECOs with an open activity waiting for the user."""
    return exists().where(EcoActivityGate.eco_id == Eco.id, waiting_condition(user))


def list_events(
    session: Session,
    eco_id: str,
    page: PageParams,
    sort: SortOrder,
    *,
    activity_id: str | None = None,
) -> tuple[list[EcoActivityGateEvent], int]:
    """A page of the ECO's activity trail (newest first by default)."""
    eco = eco_service.get(session, eco_id)
    base = select(EcoActivityGateEvent).where(EcoActivityGateEvent.eco_id == eco.id)
    if activity_id is not None:
        if get(session, activity_id).eco_id != eco.id:
            raise NotFound(
                "no activity with that id on this ECO",
                code=codes.ACTIVITY_NOT_FOUND,
                context={"activity_id": activity_id, "eco_id": eco.id},
            )
        base = base.where(EcoActivityGateEvent.activity_id == activity_id)
    return paginate(session, sort.apply(base), page)


class ECOActivityValidationService:
    """The seed's service object: the module's functions bound to one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create_activity(self, user: User | None, **values: Any) -> EcoActivityGate:
        """Create an activity (see create)."""
        return create(self.session, user, **values)

    def transition_activity(
        self, activity_id: str, to_status: str, user: User, reason: str | None = None
    ) -> EcoActivityGate:
        """Move an activity (see transition)."""
        return transition(self.session, get(self.session, activity_id), to_status, user, reason)

    def blockers_for_eco(self, eco_id: str) -> list[Any]:
        """The open blocking activities of an ECO with their reasons."""
        from yuantus.eco_activity.blockers import blockers

        return list(blockers(self.session, eco_service.get(self.session, eco_id).id))
