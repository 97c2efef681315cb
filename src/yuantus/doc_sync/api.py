"""HTTP endpoints of doc sync: sites (admin), sync jobs, the summary; and the sync-role calls."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import AwareDatetime

from yuantus.core.deps import SessionDep, SettingsDep
from yuantus.core.http import TransactionalRoute
from yuantus.core.pagination import PageDep
from yuantus.core.schemas import Page
from yuantus.core.sorting import SortOrder, sort_dependency
from yuantus.doc_sync import inbound, service, sites, summary
from yuantus.doc_sync.models import RemoteSite, SyncJobLink
from yuantus.doc_sync.schemas import (
    Direction,
    JobCreate,
    SiteCreate,
    SiteHealthRead,
    SiteRead,
    SiteUpdate,
    SyncJobRead,
    SyncJobStatus,
    SyncSummary,
)
from yuantus.identity.deps import CurrentUser, require_role
from yuantus.identity.models import User
from yuantus.job.models import Job

router = APIRouter(route_class=TransactionalRoute, tags=["doc-sync"])
router.include_router(inbound.router)
Admin = Annotated[User, Depends(require_role("admin"))]
# pushing and pulling documents is engineering work; sites are the admin's
Syncer = Annotated[User, Depends(require_role("engineer"))]
SiteSort = Annotated[
    SortOrder,
    sort_dependency(
        {"name": RemoteSite.name, "created_at": RemoteSite.created_at},
        default="name",
        tiebreak=RemoteSite.id,
    ),
]
JobSort = Annotated[
    SortOrder,
    sort_dependency(
        {
            "created_at": SyncJobLink.created_at,
            "status": Job.status,
            "direction": SyncJobLink.direction,
        },
        default="-created_at",
        tiebreak=SyncJobLink.job_id,
    ),
]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "The site (or a pushed document) does not exist."}
}
_INACTIVE: dict[int | str, dict[str, Any]] = {
    409: {"description": "The site is inactive (`remote_site_inactive`)."}
}


@router.post(
    "/doc-sync/sites",
    response_model=SiteRead,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": SiteRead, "description": "A site of that name was replaced."}},
)
def upsert_site(
    body: SiteCreate, response: Response, session: SessionDep, settings: SettingsDep, user: Admin
) -> SiteRead:
    """Create a site or replace the one of that name; its token is stored encrypted."""
    site, created = sites.upsert(session, settings, body, user)
    if not created:
        response.status_code = status.HTTP_200_OK
    return sites.read(site)


@router.get("/doc-sync/sites", response_model=Page[SiteRead])
def list_sites(
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    sort: SiteSort,
    is_active: Annotated[bool | None, Query(description="only active (or inactive) sites")] = None,
) -> Page[SiteRead]:
    """The remote sites, by name."""
    rows, total = sites.list_page(session, sort, page, is_active)
    return Page.of([sites.read(s) for s in rows], total, page)


@router.get("/doc-sync/sites/{site_id}", response_model=SiteRead)
def get_site(site_id: str, session: SessionDep, _user: CurrentUser) -> SiteRead:
    """One remote site."""
    return sites.read(sites.get_site(session, site_id))


@router.patch("/doc-sync/sites/{site_id}", response_model=SiteRead)
def update_site(
    site_id: str, body: SiteUpdate, session: SessionDep, settings: SettingsDep, user: Admin
) -> SiteRead:
    """Change the endpoint, the token, is_active, auto_push or the metadata."""
    site = sites.get_site(session, site_id)
    return sites.read(sites.update(session, settings, site, body, user))


@router.post("/doc-sync/sites/{site_id}/health", response_model=SiteHealthRead)
def check_health(
    site_id: str,
    session: SessionDep,
    settings: SettingsDep,
    admin: Admin,
    timeout_s: Annotated[float, Query(gt=0, le=60, description="per call, in seconds")] = 5.0,
) -> SiteHealthRead:
    """Probe the remote's /health and one authenticated call; an unreachable one is unhealthy."""
    site = sites.get_site(session, site_id)
    result = sites.probe(site, settings, timeout_s)
    sites.record_health(session, site, result, admin)
    return result


@router.post(
    "/doc-sync/jobs",
    response_model=SyncJobRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": SyncJobRead, "description": "An identical job is active: that job."},
        **_NOT_FOUND,
        **_INACTIVE,
    },
)
def create_job(
    body: JobCreate, response: Response, session: SessionDep, user: Syncer
) -> SyncJobRead:
    """Enqueue a push or pull; an identical active request answers the same job."""
    site = sites.get_site(session, body.site_id)
    enqueued = service.enqueue(
        session,
        site,
        body.direction,
        body.document_ids,
        idempotency_key=body.idempotency_key,
        max_attempts=body.retry_max_attempts,
        created_by=user.id,
    )
    if enqueued.duplicate:
        response.status_code = status.HTTP_200_OK
    return service.read(enqueued.job, enqueued.link, site.name)


@router.get("/doc-sync/jobs", response_model=Page[SyncJobRead])
def list_jobs(
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    sort: JobSort,
    site_id: Annotated[str | None, Query(max_length=36, description="one site's jobs")] = None,
    status_: Annotated[
        SyncJobStatus | None,
        Query(alias="status", description="job status (`failed`: the dead letters)"),
    ] = None,
    direction: Annotated[Direction | None, Query(description="push or pull")] = None,
    created_from: Annotated[
        AwareDatetime | None, Query(description="created at or after (ISO 8601, with zone)")
    ] = None,
    created_to: Annotated[
        AwareDatetime | None, Query(description="created before (ISO 8601, with zone)")
    ] = None,
) -> Page[SyncJobRead]:
    """Sync jobs, newest first by default."""
    where = service.JobFilter(site_id, status_, direction, created_from, created_to)
    rows, total = service.list_page(session, where, sort, page)
    return Page.of(service.read_many(session, rows), total, page)


@router.get("/doc-sync/jobs/{job_id}", response_model=SyncJobRead)
def get_job(job_id: str, session: SessionDep, _user: CurrentUser) -> SyncJobRead:
    """A sync job: payload, per-document results, retry budget, dead-letter state."""
    job, link = service.get_job(session, job_id)
    return service.read_many(session, [(job, link)])[0]


@router.post(
    "/doc-sync/jobs/{job_id}/replay",
    response_model=SyncJobRead,
    status_code=status.HTTP_201_CREATED,
    responses=_INACTIVE,
)
def replay_job(job_id: str, session: SessionDep, user: Syncer) -> SyncJobRead:
    """A new job with the same site, direction and documents, `replay_of` the old one."""
    enqueued = service.replay(session, job_id, user.id)
    return service.read_many(session, [(enqueued.job, enqueued.link)])[0]


@router.get("/doc-sync/summary", response_model=SyncSummary)
def get_summary(
    session: SessionDep,
    _user: CurrentUser,
    window_days: Annotated[int, Query(ge=1, le=366, description="the last N days")] = 7,
) -> SyncSummary:
    """Per site: jobs by status, dead letters, push/pull mix, success rate, bytes, last job."""
    return summary.summary(session, window_days)
