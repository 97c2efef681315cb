"""HTTP endpoints of the eco_activity domain: /eco-activities."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from yuantus.core.deps import SessionDep
from yuantus.core.http import TransactionalRoute
from yuantus.core.pagination import PageDep
from yuantus.core.schemas import Page
from yuantus.core.sorting import SortOrder, sort_dependency
from yuantus.core.transitions import AllowedAction, TransitionOptions
from yuantus.eco import service as eco_service
from yuantus.eco_activity import blockers as blocker_views
from yuantus.eco_activity import service
from yuantus.eco_activity.config import EcoActivitySettings
from yuantus.eco_activity.models import EcoActivityGate, EcoActivityGateEvent
from yuantus.eco_activity.schemas import (
    ActivityCreate,
    ActivityEventRead,
    ActivityRead,
    ActivityTransition,
    ActivityUpdate,
    Blocker,
    SlaPage,
    SlaStatus,
    Status,
    StatusChange,
)
from yuantus.identity.deps import CurrentUser, require_role
from yuantus.identity.models import User

router = APIRouter(route_class=TransactionalRoute, tags=["eco-activities"])
EngineerUser = Annotated[User, Depends(require_role("engineer"))]
BASE = "/eco-activities"
A = EcoActivityGate
_ACTIVITY_COLUMNS = {
    "name": A.name,
    "state": A.status,
    "due_at": A.due_at,
    "created_at": A.created_at,
    "updated_at": A.updated_at,
}
ActivitySort = Annotated[
    SortOrder, sort_dependency(_ACTIVITY_COLUMNS, default="created_at", tiebreak=A.id)
]
BlockerSort = Annotated[
    SortOrder, sort_dependency(_ACTIVITY_COLUMNS, default="created_at", tiebreak=A.id)
]
SlaSort = Annotated[SortOrder, sort_dependency(_ACTIVITY_COLUMNS, default="name", tiebreak=A.id)]
EventSort = Annotated[
    SortOrder,
    sort_dependency(
        {"seq": EcoActivityGateEvent.seq, "created_at": EcoActivityGateEvent.created_at},
        default="-seq",
        tiebreak=EcoActivityGateEvent.id,
    ),
]


def _read(activity: EcoActivityGate) -> ActivityRead:
    return ActivityRead.model_validate(activity)


# the /activity/... routes come first so /eco-activities/activity/x is never an ECO id
@router.get(f"{BASE}/activity/{{activity_id}}", response_model=ActivityRead)
def get_activity(activity_id: str, session: SessionDep, _user: CurrentUser) -> ActivityRead:
    """One activity."""
    return _read(service.get(session, activity_id))


@router.patch(f"{BASE}/activity/{{activity_id}}", response_model=ActivityRead)
def update_activity(
    activity_id: str, body: ActivityUpdate, session: SessionDep, user: CurrentUser
) -> ActivityRead:
    """Edit an open activity (who may move it); new dependencies must form no cycle."""
    activity = service.get(session, activity_id)
    changes = body.model_dump(exclude_unset=True)
    return _read(service.update(session, activity, user, **changes))


@router.post(f"{BASE}/activity/{{activity_id}}/transition", response_model=ActivityRead)
def transition_activity(
    activity_id: str, body: StatusChange, session: SessionDep, user: CurrentUser
) -> ActivityRead:
    """Move an activity to a status (the seed's shape: {to_status, reason?})."""
    activity = service.get(session, activity_id)
    return _read(service.transition(session, activity, body.to_status, user, body.reason))


@router.post(f"{BASE}/activity/{{activity_id}}/transitions", response_model=ActivityRead)
def take_action(
    activity_id: str, body: ActivityTransition, session: SessionDep, user: CurrentUser
) -> ActivityRead:
    """Move an activity: `action` is the status to move to, `comment` the reason."""
    activity = service.get(session, activity_id)
    return _read(service.transition(session, activity, body.action, user, body.comment))


@router.get(f"{BASE}/activity/{{activity_id}}/transitions", response_model=TransitionOptions)
def list_actions(activity_id: str, session: SessionDep, user: CurrentUser) -> TransitionOptions:
    """The activity's state and the moves the caller may make now."""
    activity = service.get(session, activity_id)
    moves = service.allowed_moves(session, activity, user)
    return TransitionOptions(
        state=activity.status,
        actions=[AllowedAction(action=m, to_state=m, roles=roles) for m, roles in moves],
    )


@router.post(BASE, response_model=ActivityRead, status_code=status.HTTP_201_CREATED)
def create_activity(body: ActivityCreate, session: SessionDep, user: EngineerUser) -> ActivityRead:
    """Add an activity to an open ECO (engineer)."""
    return _read(service.create(session, user, **body.model_dump()))


@router.get(BASE, response_model=Page[ActivityRead])
def list_waiting(
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    sort: ActivitySort,
    waiting_for_me: Annotated[
        bool, Query(description="only open activities assigned to me or my roles (default)")
    ] = True,
) -> Page[ActivityRead]:
    """Open activities on open ECOs assigned to me or my roles; every activity when false."""
    rows, total = service.list_waiting(session, user, page, sort, mine=waiting_for_me)
    return Page.of([_read(r) for r in rows], total, page)


@router.get(f"{BASE}/{{eco_id}}", response_model=Page[ActivityRead])
def list_activities(
    eco_id: str,
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    sort: ActivitySort,
    state: Annotated[Status | None, Query(description="only activities in this state")] = None,
    assignee_id: Annotated[
        str | None, Query(max_length=36, description="only this user's activities")
    ] = None,
    is_blocking: Annotated[
        bool | None, Query(description="only blocking (or non-blocking) activities")
    ] = None,
) -> Page[ActivityRead]:
    """The ECO's activities, filtered by state, assignee or blocking."""
    rows, total = service.list_activities(
        session, eco_id, page, sort, state=state, assignee_id=assignee_id, is_blocking=is_blocking
    )
    return Page.of([_read(r) for r in rows], total, page)


@router.get(f"{BASE}/{{eco_id}}/blockers", response_model=Page[Blocker])
def list_blockers(
    eco_id: str, session: SessionDep, _user: CurrentUser, page: PageDep, sort: BlockerSort
) -> Page[Blocker]:
    """Blocking activities neither completed nor canceled, each with its reason."""
    eco = eco_service.get(session, eco_id)
    rows, total = blocker_views.blockers_page(session, eco.id, page, sort)
    return Page.of(rows, total, page)


@router.get(f"{BASE}/{{eco_id}}/events", response_model=Page[ActivityEventRead])
def list_events(
    eco_id: str,
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    sort: EventSort,
    activity_id: Annotated[
        str | None, Query(max_length=36, description="only this activity's events")
    ] = None,
) -> Page[ActivityEventRead]:
    """The ECO's activity trail, newest first."""
    rows, total = service.list_events(session, eco_id, page, sort, activity_id=activity_id)
    return Page.of([ActivityEventRead.model_validate(r) for r in rows], total, page)


@router.get(f"{BASE}/{{eco_id}}/sla", response_model=SlaPage)
def sla(
    eco_id: str,
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    sort: SlaSort,
    sla_status: SlaStatus | None = None,
) -> SlaPage:
    """Open activities against their due dates: overdue, due_soon, on_track or no_due_date."""
    eco = eco_service.get(session, eco_id)
    hours = EcoActivitySettings().due_soon_hours
    rows, total, counts, now = blocker_views.sla(
        session, eco.id, page, sort, due_soon_hours=hours, bucket=sla_status
    )
    return SlaPage(
        items=rows,
        total=total,
        limit=page.limit,
        offset=page.offset,
        eco_id=eco.id,
        now=now,
        due_soon_hours=hours,
        counts=counts,
    )
