"""HTTP endpoints of breakage incidents: record, move, metrics, exports and the helpdesk sync."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import PlainTextResponse, StreamingResponse
from pydantic import AwareDatetime

from yuantus.bom.limits import TOO_LARGE_RESPONSE, StructureLimitsDep
from yuantus.breakage import export, metrics, service, views
from yuantus.breakage.models import WRITER_ROLES, BreakageIncident
from yuantus.breakage.schemas import (
    BreakageCreate,
    BreakageMetrics,
    BreakageRead,
    BreakageTransitionRequest,
    HelpdeskSyncRead,
    MetricsGroup,
    Responsibility,
    Severity,
    State,
)
from yuantus.core.deps import DatabaseDep, SessionDep
from yuantus.core.http import TransactionalRoute
from yuantus.core.pagination import PageDep
from yuantus.core.schemas import Page
from yuantus.core.sorting import SortOrder, single_sort_dependency, sort_dependency
from yuantus.core.transitions import TransitionOptions
from yuantus.identity.deps import CurrentUser, require_role
from yuantus.identity.models import User

router = APIRouter(route_class=TransactionalRoute, tags=["breakage"])
Writer = Annotated[User, Depends(require_role(*WRITER_ROLES))]
# the order of the metric groups; ties by key
GroupSort = Annotated[
    str, single_sort_dependency(("count", "repeat_rate", "latest", "key"), default="-count")
]
_SORTS = {
    "occurred_at": BreakageIncident.occurred_at,
    "number": BreakageIncident.number,
    "severity": BreakageIncident.severity,
    "state": BreakageIncident.status,
    "quantity": BreakageIncident.quantity,
    "created_at": BreakageIncident.created_at,
}
IncidentSort = Annotated[
    SortOrder, sort_dependency(_SORTS, default="-occurred_at", tiebreak=BreakageIncident.id)
]


def breakage_filter(
    product_item_id: Annotated[
        str | None, Query(max_length=36, description="any revision of this product")
    ] = None,
    component_item_id: Annotated[
        str | None, Query(max_length=36, description="any revision of this component")
    ] = None,
    state: Annotated[State | None, Query(description="open, investigating, ...")] = None,
    severity: Annotated[Severity | None, Query(description="low, medium, high, critical")] = None,
    responsibility: Annotated[
        Responsibility | None, Query(description="supplier, production, ...")
    ] = None,
    batch_code: Annotated[str | None, Query(max_length=64, description="batch or lot")] = None,
    occurred_from: Annotated[
        AwareDatetime | None, Query(alias="from", description="occurred at or after (ISO 8601)")
    ] = None,
    occurred_to: Annotated[
        AwareDatetime | None, Query(alias="to", description="occurred before (ISO 8601)")
    ] = None,
) -> service.BreakageFilter:
    """The filters shared by the list, the metrics and the exports."""
    return service.BreakageFilter(
        product_item_id=product_item_id,
        component_item_id=component_item_id,
        state=state,
        severity=severity,
        responsibility=responsibility,
        batch_code=batch_code,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
    )


FilterDep = Annotated[service.BreakageFilter, Depends(breakage_filter)]


@router.post(
    "/breakages",
    response_model=BreakageRead,
    status_code=status.HTTP_201_CREATED,
    responses=TOO_LARGE_RESPONSE,
)
def create_incident(
    body: BreakageCreate, session: SessionDep, user: Writer, limits: StructureLimitsDep
) -> BreakageRead:
    """Record an incident; the component must be in the product revision's BOM."""
    return views.read_one(session, service.create(session, body, user, limits))


@router.get("/breakages", response_model=Page[BreakageRead])
def list_incidents(
    session: SessionDep, _user: CurrentUser, where: FilterDep, sort: IncidentSort, page: PageDep
) -> Page[BreakageRead]:
    """Incidents matching the filters, newest occurrence first by default."""
    rows, total = service.list_page(session, where, sort, page)
    return Page.of(views.read_many(session, rows), total, page)


@router.get("/breakages/metrics", response_model=BreakageMetrics)
def get_metrics(
    session: SessionDep,
    _user: CurrentUser,
    where: FilterDep,
    top: Annotated[int, Query(ge=1, le=100, description="how many hotspot components")] = 10,
) -> BreakageMetrics:
    """Totals, the repeated failure rate, hotspot components, counts and the daily trend."""
    return metrics.metrics(session, where, top)


@router.get("/breakages/metrics/groups", response_model=Page[MetricsGroup])
def get_metric_groups(
    session: SessionDep,
    _user: CurrentUser,
    where: FilterDep,
    page: PageDep,
    group_by: Annotated[metrics.GroupBy, Query(description="the grouping dimension")],
    sort: GroupSort,
) -> Page[MetricsGroup]:
    """Counts, repeat rate and the latest occurrence per product, component, batch, ..."""
    rows, total = metrics.groups(session, where, group_by, sort, page)
    return Page.of(rows, total, page)


@router.get(
    "/breakages/metrics/export",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/csv": {}, "text/markdown": {}}}},
)
def export_metrics(
    session: SessionDep,
    _user: CurrentUser,
    where: FilterDep,
    format: Annotated[Literal["csv", "md"], Query(description="csv or md")] = "csv",
) -> PlainTextResponse:
    """The metrics and the trend as CSV rows or a Markdown report."""
    result = metrics.metrics(session, where)
    if format == "md":
        return PlainTextResponse(export.metrics_markdown(result), media_type="text/markdown")
    return PlainTextResponse(
        export.metrics_csv(result),
        media_type="text/csv",
        headers={"content-disposition": 'attachment; filename="breakage-metrics.csv"'},
    )


_MEDIA = {
    "csv": "text/csv",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get(
    "/breakages/export",
    response_class=StreamingResponse,
    responses={200: {"content": {media: {} for media in _MEDIA.values()} | export.JSON_CONTENT}},
)
def export_incidents(
    session: SessionDep,
    db: DatabaseDep,
    _user: CurrentUser,
    where: FilterDep,
    format: Annotated[
        Literal["csv", "json", "xlsx"], Query(description="csv, json or xlsx")
    ] = "csv",
) -> StreamingResponse:
    """Every incident matching the filters, streamed, oldest occurrence first."""
    conds = service.conditions(session, where)
    stream = {"csv": export.csv_stream, "json": export.json_stream, "xlsx": export.xlsx_stream}
    return StreamingResponse(
        stream[format](db, conds),
        media_type=_MEDIA[format],
        headers={"content-disposition": f'attachment; filename="breakages.{format}"'},
    )


@router.get("/breakages/{incident_id}", response_model=BreakageRead)
def get_incident(incident_id: str, session: SessionDep, _user: CurrentUser) -> BreakageRead:
    """One incident."""
    return views.read_one(session, service.get(session, incident_id))


@router.get("/breakages/{incident_id}/transitions", response_model=TransitionOptions)
def incident_transitions(
    incident_id: str, session: SessionDep, user: CurrentUser
) -> TransitionOptions:
    """The incident's state and the moves the caller may make now."""
    return service.options(service.get(session, incident_id), user)


@router.post("/breakages/{incident_id}/transitions", response_model=BreakageRead)
def move_incident(
    incident_id: str, body: BreakageTransitionRequest, session: SessionDep, user: Writer
) -> BreakageRead:
    """investigate, resolve, close, or reopen (with a reason in `comment`)."""
    incident = service.transition(session, incident_id, body.action, body.comment, user)
    return views.read_one(session, incident)


def _sync_read(session: SessionDep, incident: BreakageIncident) -> HelpdeskSyncRead:
    job = service.latest_sync_job(session, incident.id)
    return HelpdeskSyncRead(
        incident_id=incident.id,
        job_id=job.id if job else None,
        job_state=job.status if job else None,
        job_attempts=job.attempt_count if job else None,
        job_error=job.last_error if job else None,
        helpdesk=views.helpdesk_state(incident),
    )


@router.post(
    "/breakages/{incident_id}/helpdesk-sync",
    response_model=HelpdeskSyncRead,
    status_code=status.HTTP_202_ACCEPTED,
)
def sync_incident(incident_id: str, session: SessionDep, user: Writer) -> HelpdeskSyncRead:
    """Enqueue the helpdesk sync (a pending one is reused); the worker posts it."""
    incident = service.get(session, incident_id)
    service.enqueue_sync(session, incident, user)
    session.flush()
    return _sync_read(session, incident)


@router.get("/breakages/{incident_id}/helpdesk-sync/status", response_model=HelpdeskSyncRead)
def sync_status(incident_id: str, session: SessionDep, _user: CurrentUser) -> HelpdeskSyncRead:
    """The latest sync job and the ticket the incident has."""
    return _sync_read(session, service.get(session, incident_id))
