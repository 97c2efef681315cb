"""HTTP endpoints of the job domain: list, read, retry and cancel jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from yuantus.core.deps import SessionDep
from yuantus.core.http import TransactionalRoute
from yuantus.core.pagination import PageDep
from yuantus.core.schemas import Page
from yuantus.identity.deps import CurrentUser, require_role
from yuantus.identity.models import User
from yuantus.job import service
from yuantus.job.models import JOB_TRANSITIONS
from yuantus.job.schemas import JobRead
from yuantus.job.sorts import JobSort

router = APIRouter(route_class=TransactionalRoute, tags=["job"])
# cancel and retry share their roles (job/models.py JOB_TRANSITIONS)
Engineer = Annotated[User, Depends(require_role(*JOB_TRANSITIONS["retry"].roles))]


@router.get("/jobs", response_model=Page[JobRead])
def list_jobs(
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    sort: JobSort,
    state: Annotated[
        str | None, Query(description="pending, processing, completed, failed or canceled")
    ] = None,
    task_type: Annotated[
        str | None, Query(max_length=100, description="the task type the job runs")
    ] = None,
    created_from: Annotated[datetime | None, Query(description="ISO 8601 with zone")] = None,
    created_to: Annotated[datetime | None, Query(description="ISO 8601 with zone")] = None,
) -> Page[JobRead]:
    """Jobs, newest first, filtered by state, task type and creation time."""
    rows, total = service.list_jobs(
        session,
        page,
        state=state,
        task_type=task_type,
        created_from=created_from,
        created_to=created_to,
        sort=sort,
    )
    return Page.of([JobRead.model_validate(r) for r in rows], total, page)


@router.get("/jobs/{job_id}", response_model=JobRead)
def get_job(job_id: str, session: SessionDep, _user: CurrentUser) -> JobRead:
    """One job with its attempts, error history, result and progress."""
    return JobRead.model_validate(service.get_job(session, job_id))


@router.post("/jobs/{job_id}/retry", response_model=JobRead)
def retry_job(job_id: str, session: SessionDep, _user: Engineer) -> JobRead:
    """Run a failed or canceled job again (attempts keep counting)."""
    return JobRead.model_validate(service.retry(session, job_id))


@router.post("/jobs/{job_id}/cancel", response_model=JobRead)
def cancel_job(job_id: str, session: SessionDep, _user: Engineer) -> JobRead:
    """Cancel a pending job; 409 for a job in any other state."""
    return JobRead.model_validate(service.cancel(session, job_id))
