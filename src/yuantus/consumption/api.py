"""HTTP endpoints of consumption: plans, template versions, actuals, variance and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response, status

from yuantus.consumption import dashboard, export, feeding, impact, service, views
from yuantus.consumption.analysis import plan_actuals, plan_periods, total
from yuantus.consumption.models import WRITER_ROLES, ConsumptionPlan, ConsumptionRecord
from yuantus.consumption.schemas import (
    ActualCreate,
    DashboardRow,
    ImpactPreview,
    ImpactPreviewRequest,
    PeriodUnit,
    PlanCreate,
    PlanFields,
    PlanRead,
    PlanTransitionRequest,
    PlanUpdate,
    PlanVariance,
    RecordRead,
    State,
    WorkOrderConsumption,
    WorkOrderConsumptionCreate,
)
from yuantus.core.db import utcnow
from yuantus.core.deps import SessionDep
from yuantus.core.http import TransactionalRoute
from yuantus.core.pagination import PageDep
from yuantus.core.schemas import Page
from yuantus.core.sorting import SortOrder, single_sort_dependency, sort_dependency
from yuantus.core.transitions import TransitionOptions
from yuantus.identity.deps import CurrentUser, require_role
from yuantus.identity.models import User
from yuantus.item import service as item_service

router = APIRouter(route_class=TransactionalRoute, tags=["consumption"])
Writer = Annotated[User, Depends(require_role(*WRITER_ROLES))]
Plan = ConsumptionPlan
# `-variance` (the default): the worst |delta ratio| first
DashboardSort = Annotated[str, single_sort_dependency(dashboard.SORT_FIELDS, default="-variance")]
PlanSort = Annotated[
    SortOrder,
    sort_dependency(
        {
            "name": Plan.name,
            "created_at": Plan.created_at,
            "period_start": Plan.period_start,
            "state": Plan.state,
            "template_version": Plan.template_version,
        },
        default="-created_at",
        tiebreak=Plan.id,
    ),
]
VersionSort = Annotated[
    SortOrder,
    sort_dependency(
        {"template_version": Plan.template_version, "created_at": Plan.created_at},
        default="template_version",
        tiebreak=Plan.id,
    ),
]
RecordSort = Annotated[
    SortOrder,
    sort_dependency(
        {
            "recorded_at": ConsumptionRecord.recorded_at,
            "plan_quantity": ConsumptionRecord.plan_quantity,
        },
        default="-recorded_at",
        tiebreak=ConsumptionRecord.id,
    ),
]
BucketQuery = Annotated[
    PeriodUnit | None, Query(description="day, week (ISO) or month; default: the plan's unit")
]


@router.post("/consumption/plans", response_model=PlanRead, status_code=status.HTTP_201_CREATED)
def create_plan(body: PlanCreate, session: SessionDep, user: Writer) -> PlanRead:
    """A draft plan; `template_key` makes it that template's next version."""
    return views.plan(session, service.create(session, body, user))


@router.get("/consumption/plans", response_model=Page[PlanRead])
def list_plans(
    session: SessionDep,
    _user: CurrentUser,
    sort: PlanSort,
    page: PageDep,
    item_id: Annotated[str | None, Query(max_length=36, description="any revision")] = None,
    state: State | None = None,
    template_key: Annotated[
        str | None, Query(max_length=64, description="versions of this template only")
    ] = None,
) -> Page[PlanRead]:
    """Plans, newest first by default."""
    rows, count = service.list_page(
        session, sort, page, item_id=item_id, state=state, template_key=template_key
    )
    return Page.of(views.plans(session, rows), count, page)


@router.get("/consumption/plans/{plan_id}", response_model=PlanRead)
def get_plan(plan_id: str, session: SessionDep, _user: CurrentUser) -> PlanRead:
    """One plan."""
    return views.plan(session, service.get(session, plan_id))


@router.patch("/consumption/plans/{plan_id}", response_model=PlanRead)
def update_plan(plan_id: str, body: PlanUpdate, session: SessionDep, user: Writer) -> PlanRead:
    """Change a draft or active plan's name, period, rate, thresholds or properties."""
    return views.plan(session, service.update(session, plan_id, body, user))


@router.get("/consumption/plans/{plan_id}/transitions", response_model=TransitionOptions)
def plan_transitions(plan_id: str, session: SessionDep, user: CurrentUser) -> TransitionOptions:
    """The plan's state and the actions the caller may take now."""
    return service.options(service.get(session, plan_id), user)


@router.post("/consumption/plans/{plan_id}/transitions", response_model=PlanRead)
def move_plan(
    plan_id: str, body: PlanTransitionRequest, session: SessionDep, user: Writer
) -> PlanRead:
    """activate (retires the template's active version) or close."""
    return views.plan(
        session, service.transition(session, plan_id, body.action, body.comment, user)
    )


@router.post(
    "/consumption/plans/{plan_id}/actuals",
    response_model=RecordRead,
    status_code=status.HTTP_201_CREATED,
)
def record_actual(
    plan_id: str, body: ActualCreate, session: SessionDep, user: Writer
) -> RecordRead:
    """One actual on an active plan, converted to the plan's uom."""
    return views.records(session, [service.record_actual(session, plan_id, body, user)])[0]


@router.get("/consumption/plans/{plan_id}/actuals", response_model=Page[RecordRead])
def list_actuals(
    plan_id: str, session: SessionDep, _user: CurrentUser, sort: RecordSort, page: PageDep
) -> Page[RecordRead]:
    """A plan's records, newest first by default."""
    rows, count = service.list_records(session, service.get(session, plan_id), sort, page)
    return Page.of(views.records(session, rows), count, page)


@router.get("/consumption/plans/{plan_id}/variance", response_model=PlanVariance)
def plan_variance(
    plan_id: str, session: SessionDep, _user: CurrentUser, bucket: BucketQuery = None
) -> PlanVariance:
    """Planned, actual, delta, ratio and status per bucket of the plan's period."""
    plan = service.get(session, plan_id)
    unit = bucket or plan.period_unit
    items = plan_periods(plan, unit, plan_actuals(session, plan, unit))
    item = item_service.get(session, plan.item_id)
    return PlanVariance(
        plan_id=plan.id,
        plan_name=plan.name,
        item_id=item.id,
        item_number=item.item_number,
        revision=item.revision,
        item_name=item.name,
        uom=plan.uom,
        bucket=unit,  # type: ignore[arg-type]
        under_threshold=plan.under_threshold,
        over_threshold=plan.over_threshold,
        items=[views.period_figures(p) for p in items],
        total=views.period_figures(total(items, plan.under_threshold, plan.over_threshold, unit)),
    )


@dataclass(frozen=True)
class DashboardQuery:
    """The dashboard's filters and order."""

    item_id: str | None
    first: date | None
    last: date | None
    bucket: PeriodUnit
    sort: str


def _dashboard_query(
    sort: DashboardSort,
    item_id: Annotated[str | None, Query(max_length=36, description="any revision")] = None,
    first: Annotated[date | None, Query(alias="from", description="first day")] = None,
    last: Annotated[date | None, Query(alias="to", description="last day")] = None,
    bucket: Annotated[PeriodUnit, Query(description="day, week (ISO) or month")] = "week",
) -> DashboardQuery:
    return DashboardQuery(item_id, first, last, bucket, sort)


QueryDep = Annotated[DashboardQuery, Depends(_dashboard_query)]


def _rows(
    session: SessionDep, q: DashboardQuery, offset: int = 0, limit: int | None = None
) -> tuple[list[DashboardRow], int]:
    return dashboard.rows(
        session,
        bucket=q.bucket,
        item_id=q.item_id,
        first=q.first,
        last=q.last,
        sort=q.sort,
        offset=offset,
        limit=limit,
    )


@router.get("/consumption/dashboard", response_model=Page[DashboardRow])
def get_dashboard(
    session: SessionDep, _user: CurrentUser, q: QueryDep, page: PageDep
) -> Page[DashboardRow]:
    """Per material and bucket, summed across active and closed plans; worst variance first."""
    rows, count = _rows(session, q, page.offset, page.limit)
    return Page.of(rows, count, page)


_MEDIA = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get(
    "/consumption/dashboard/export",
    response_class=Response,
    responses={200: {"content": {media: {} for media in _MEDIA.values()}}},
)
def export_dashboard(
    session: SessionDep,
    _user: CurrentUser,
    q: QueryDep,
    format: Annotated[Literal["csv", "xlsx"], Query(description="csv or xlsx")] = "csv",
) -> Response:
    """Every dashboard row as a file, in the dashboard's order."""
    rows, _count = _rows(session, q)
    content = export.csv_bytes(rows) if format == "csv" else export.xlsx_bytes(rows)
    return Response(
        content,
        media_type=_MEDIA[format],
        headers={"content-disposition": f'attachment; filename="consumption.{format}"'},
    )


@router.post(
    "/consumption/templates/{key}/versions",
    response_model=PlanRead,
    status_code=status.HTTP_201_CREATED,
)
def create_version(key: str, body: PlanFields, session: SessionDep, user: Writer) -> PlanRead:
    """The template's next version, as a draft plan."""
    return views.plan(session, service.create(session, body, user, template_key=key))


@router.get("/consumption/templates/{key}/versions", response_model=Page[PlanRead])
def list_versions(
    key: str, session: SessionDep, _user: CurrentUser, sort: VersionSort, page: PageDep
) -> Page[PlanRead]:
    """The template's versions, oldest first by default."""
    rows, count = service.list_page(session, sort, page, template_key=key)
    return Page.of(views.plans(session, rows), count, page)


@router.post("/consumption/templates/{key}/impact-preview", response_model=ImpactPreview)
def impact_preview(
    key: str, body: ImpactPreviewRequest, session: SessionDep, _user: CurrentUser
) -> ImpactPreview:
    """How each open period's variance and status would change with the proposal active."""
    return impact.preview(session, key, body, utcnow().date())


@router.post(
    "/workorders/{workorder_id}/consumption",
    response_model=WorkOrderConsumption,
    status_code=status.HTTP_201_CREATED,
)
def report_consumption(
    workorder_id: str, body: WorkOrderConsumptionCreate, session: SessionDep, user: Writer
) -> WorkOrderConsumption:
    """What a work order consumed: a record on every active plan covering each material."""
    return feeding.report(session, workorder_id, body, user)
