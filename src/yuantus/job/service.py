"""JobService: enqueue and manage the jobs of meta_conversion_jobs.

Claiming and finishing jobs is the worker's (job/batch.py): one claim path, the one
production runs, whether a worker takes one job or a batch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    String,
    Update,
    case,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yuantus.core.db import new_id, utcnow
from yuantus.core.errors import Conflict, InvalidState, Unprocessable, invalid_filter
from yuantus.core.orm import get_or_404
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.job import codes
from yuantus.job.backoff import ClaimRecord, with_history
from yuantus.job.backoff import backoff_delay as backoff_delay  # part of the JobService API
from yuantus.job.models import (
    ACTIVE_STATUSES,
    JOB_CANCELED,
    JOB_FAILED,
    JOB_PENDING,
    JOB_PROCESSING,
    JOB_STATUSES,
    JOB_TRANSITIONS,
    Job,
)
from yuantus.job.registry import get_handler, registered_task_types

NOTIFY_CHANNEL = "yuantus_jobs"
_NOTIFIED_KEY = "yuantus.job.notified_transaction"
# a literal, not a bound parameter: only then can the planners use the partial index
_PROCESSING_LITERAL = literal_column(f"'{JOB_PROCESSING}'", String())


class JobLost(InvalidState):
    """The worker no longer owns the job (requeued as stale, canceled or claimed again)."""

    default_code = codes.JOB_LOST


_JSON_CODES = {"payload": codes.INVALID_PAYLOAD, "progress": codes.INVALID_PROGRESS}


def _json_dict(value: object, what: str) -> dict[str, Any]:
    """The value when it is a JSON-serializable object; 422 otherwise."""
    if not isinstance(value, dict):
        raise Unprocessable(f"{what} must be a JSON object", code=_JSON_CODES[what])
    try:
        json.dumps(value)
    except (TypeError, ValueError) as exc:
        raise Unprocessable(
            f"{what} is not JSON-serializable: {exc}", code=_JSON_CODES[what]
        ) from exc
    return value


def _aware(value: datetime, name: str) -> datetime:
    """Refuse naive datetimes: their zone is unknown."""
    if value.tzinfo is None:
        raise Unprocessable(f"{name} must be timezone-aware", code=codes.NAIVE_DATETIME)
    return value


def create_job(
    session: Session,
    task_type: str,
    payload: dict[str, Any],
    *,
    priority: int = 100,
    max_attempts: int = 3,
    dedupe_key: str | None = None,
    run_at: datetime | None = None,
    created_by: str | None = None,
) -> Job:
    """Enqueue a job in the caller's transaction; an active job with the dedupe_key wins."""
    if get_handler(task_type) is None:
        raise Unprocessable(
            f"no handler is registered for task type {task_type!r}",
            code=codes.UNKNOWN_TASK_TYPE,
            context={"task_type": task_type, "known": registered_task_types()},
        )
    if max_attempts < 1:
        raise Unprocessable("max_attempts must be at least 1", code=codes.INVALID_MAX_ATTEMPTS)
    now = utcnow()
    job = Job(
        id=new_id(),
        task_type=task_type,
        payload=_json_dict(payload, "payload"),
        status=JOB_PENDING,
        priority=priority,
        attempt_count=0,
        max_attempts=max_attempts,
        error_history=[],
        dedupe_key=dedupe_key,
        created_by=created_by,
        created_at=now,
        scheduled_at=_aware(run_at, "run_at") if run_at is not None else now,
    )
    if dedupe_key is None:
        # no flush: a batch of jobs goes to the database as one multi-row insert
        session.add(job)
    else:
        job = _insert_deduplicated(session, job, dedupe_key)
    _notify_workers(session)
    return job


def _active_by_dedupe_key(session: Session, dedupe_key: str) -> Job | None:
    """The pending or processing job holding a dedupe key."""
    return session.scalar(
        select(Job).where(Job.dedupe_key == dedupe_key, Job.status.in_(ACTIVE_STATUSES))
    )


def _insert_deduplicated(session: Session, job: Job, dedupe_key: str) -> Job:
    """Insert the job unless an active one holds the key; the unique index settles races."""
    existing = _active_by_dedupe_key(session, dedupe_key)
    if existing is not None:
        return existing
    session.flush()  # the caller's pending rows must not fail inside our savepoint
    try:
        # a savepoint: losing the race rolls back our insert only, not the caller's work
        with session.begin_nested():
            session.add(job)
            session.flush()
    except IntegrityError:
        existing = _active_by_dedupe_key(session, dedupe_key)
        if existing is None:
            raise
        return existing
    return job


def _notify_workers(session: Session) -> None:
    """On PostgreSQL, NOTIFY idle workers (delivered at commit, once per transaction)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_NOTIFIED_KEY) is transaction:
        return
    session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})
    session.info[_NOTIFIED_KEY] = session.get_transaction()


def _rowcount(session: Session, statement: Update) -> int:
    """Run a bulk UPDATE without touching the identity map; the rows it matched."""
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return cast(CursorResult[Any], result).rowcount


def heartbeat(session: Session, jobs: Sequence[ClaimRecord]) -> int:
    """Refresh the heartbeat of claimed jobs still owned by their workers; how many."""
    if not jobs:
        return 0
    # SKIP LOCKED: a row locked by its worker's open batch transaction is finishing now;
    # waiting for it would stall every other heartbeat of the process
    owned = (
        select(Job.id)
        .where(
            Job.id.in_([j.id for j in jobs]),
            Job.worker_id.in_({j.worker_id for j in jobs}),
            Job.status == JOB_PROCESSING,
        )
        .with_for_update(skip_locked=True)
    )
    statement = update(Job).where(Job.id.in_(owned)).values(heartbeat_at=utcnow())
    return _rowcount(session, statement)


def update_progress(session: Session, job_id: str, progress: dict[str, Any]) -> bool:
    """Store a running job's progress; False when the job is not processing."""
    statement = (
        update(Job)
        .where(Job.id == job_id, Job.status == JOB_PROCESSING)
        .values(progress=_json_dict(progress, "progress"))
    )
    return _rowcount(session, statement) > 0


def requeue_stale(session: Session, timeout_seconds: float, *, limit: int = 500) -> int:
    """Processing jobs without a heartbeat for the timeout: back to pending, or failed."""
    now = utcnow()
    cutoff = now - timedelta(seconds=timeout_seconds)
    stale = session.scalars(
        select(Job)
        .where(Job.status == _PROCESSING_LITERAL, Job.heartbeat_at < cutoff)
        .order_by(Job.heartbeat_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for job in stale:
        error = f"worker {job.worker_id} stopped heart-beating for over {timeout_seconds:g}s"
        job.error_history = with_history(job, error, True, now)
        job.last_error = error
        if job.attempt_count >= job.max_attempts:
            job.status, job.completed_at = JOB_FAILED, now
        else:
            # run again at once: the crash was the worker's, not the job's
            job.status, job.worker_id, job.heartbeat_at = JOB_PENDING, None, None
            job.scheduled_at = now
    session.flush()
    return len(stale)


def get_job(session: Session, job_id: str) -> Job:
    """A job by id."""
    return get_or_404(session, Job, job_id, codes.JOB_NOT_FOUND)


def cancel(session: Session, job_id: str) -> Job:
    """Cancel a pending job; 409 job_not_pending for any other state."""
    values = {"status": JOB_CANCELED, "completed_at": utcnow()}
    from_states = JOB_TRANSITIONS["cancel"].from_states
    statement = update(Job).where(Job.id == job_id, Job.status.in_(from_states)).values(**values)
    if _rowcount(session, statement) == 0:
        job = get_job(session, job_id)
        raise InvalidState(
            f"only a pending job can be canceled; job {job_id} is {job.status}",
            code=codes.JOB_NOT_PENDING,
            context={"id": job_id, "state": job.status},
        )
    return _reload(session, job_id)


def cancel_pending_by_dedupe_key(session: Session, dedupe_key: str) -> list[str]:
    """Cancel the pending jobs holding a dedupe key (one already claimed runs on); their ids."""
    statement = (
        update(Job)
        .where(Job.dedupe_key == dedupe_key, Job.status == JOB_PENDING)
        .values(status=JOB_CANCELED, completed_at=utcnow())
        .returning(Job.id)
    )
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return list(result.scalars())


def retry(session: Session, job_id: str) -> Job:
    """Put a failed or canceled job back to pending; attempts keep counting, one more granted."""
    statement = (
        update(Job)
        .where(Job.id == job_id, Job.status.in_(JOB_TRANSITIONS["retry"].from_states))
        .values(
            status=JOB_PENDING,
            worker_id=None,
            scheduled_at=utcnow(),
            heartbeat_at=None,
            completed_at=None,
            max_attempts=case(
                (Job.attempt_count >= Job.max_attempts, Job.attempt_count + 1),
                else_=Job.max_attempts,
            ),
        )
    )
    try:
        with session.begin_nested():
            matched = _rowcount(session, statement)
    except IntegrityError as exc:
        raise Conflict(
            "another active job holds this job's dedupe key",
            code=codes.DUPLICATE_ACTIVE_JOB,
            context={"id": job_id},
        ) from exc
    if matched == 0:
        job = get_job(session, job_id)
        raise InvalidState(
            f"only a failed or canceled job can be retried; job {job_id} is {job.status}",
            code=codes.JOB_NOT_RETRYABLE,
            context={"id": job_id, "state": job.status},
        )
    _notify_workers(session)
    return _reload(session, job_id)


def _reload(session: Session, job_id: str) -> Job:
    """The job as the database has it now."""
    return get_or_404(session, Job, job_id, codes.JOB_NOT_FOUND, populate_existing=True)


def list_jobs(
    session: Session,
    page: PageParams,
    *,
    state: str | None = None,
    task_type: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    sort: SortOrder | None = None,
) -> tuple[list[Job], int]:
    """Jobs, newest first, filtered by state, task type and creation time."""
    query = select(Job).order_by(Job.created_at.desc(), Job.id)
    if state is not None:
        if state not in JOB_STATUSES:
            raise invalid_filter("state", JOB_STATUSES)
        query = query.where(Job.status == state)
    if task_type is not None:
        query = query.where(Job.task_type == task_type)
    if created_from is not None:
        query = query.where(Job.created_at >= _aware(created_from, "created_from"))
    if created_to is not None:
        query = query.where(Job.created_at <= _aware(created_to, "created_to"))
    return paginate(session, query, page, sort)
