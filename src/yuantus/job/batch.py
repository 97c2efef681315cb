"""The worker hot path: claim a batch of jobs in one statement and finish them with Core SQL.

Workers run these statements thousands of times a second, so they are built once (compiled
SQL cached by SQLAlchemy), run on a Connection (no ORM identity map), and answer plain
ClaimedJob records instead of ORM objects.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    Connection,
    CursorResult,
    Integer,
    String,
    Table,
    Update,
    bindparam,
    literal_column,
    select,
    update,
)
from sqlalchemy.orm import Session

from yuantus.core.db import utcnow
from yuantus.job.backoff import failure_values
from yuantus.job.config import JobSettings
from yuantus.job.models import JOB_COMPLETED, JOB_PENDING, JOB_PROCESSING, Job
from yuantus.job.registry import Handler, JobFatalError, get_handler
from yuantus.job.service import JobLost


@dataclass(slots=True)
class ClaimedJob:
    """A job this worker has claimed: what its handler and its bookkeeping need."""

    id: str
    task_type: str
    payload: dict[str, Any]
    priority: int
    created_at: datetime
    worker_id: str
    attempt_count: int
    max_attempts: int
    error_history: list[dict[str, Any]]


# literals, not bound parameters: only then can the planners use the partial indexes
_PENDING_LITERAL = literal_column(f"'{JOB_PENDING}'", String())


def _table() -> Table:
    """The queue table as Core sees it."""
    return cast(Table, Job.__table__)


@cache
def _owned_statement() -> Update:
    """An UPDATE of a job that matches only while the claim (worker, attempt) still owns it."""
    table = _table()
    return update(table).where(
        table.c.id == bindparam("job_id"),
        table.c.status == JOB_PROCESSING,
        table.c.worker_id == bindparam("owner"),
        table.c.attempt_count == bindparam("attempt"),
    )


@cache
def _claim_statement(typed: bool) -> Update:
    """Claim up to :limit due jobs in (priority, created_at) order in one statement."""
    table = _table()
    candidate = table.alias("candidate")
    pick = select(candidate.c.id).where(
        candidate.c.status == _PENDING_LITERAL, candidate.c.scheduled_at <= bindparam("now")
    )
    if typed:
        pick = pick.where(candidate.c.task_type.in_(bindparam("task_types", expanding=True)))
    # PostgreSQL: concurrent claimers skip each other's locked rows instead of queueing, so
    # no row is handed to two workers; SQLite ignores FOR UPDATE, and its BEGIN IMMEDIATE
    # transaction makes this one UPDATE atomic (the status check guards it again)
    pick = (
        pick.order_by(candidate.c.priority, candidate.c.created_at)
        .limit(bindparam("limit", type_=Integer()))
        .with_for_update(skip_locked=True)
    )
    # a materialized CTE runs the pick exactly once: as an IN (subquery) PostgreSQL may
    # rescan it while updating and return more than :limit rows
    picked = pick.cte("picked").prefix_with("MATERIALIZED", dialect="postgresql")
    return (
        update(table)
        .where(table.c.id.in_(select(picked.c.id)), table.c.status == JOB_PENDING)
        .values(
            status=JOB_PROCESSING,
            worker_id=bindparam("p_worker"),
            started_at=bindparam("now"),
            heartbeat_at=bindparam("now"),
            attempt_count=table.c.attempt_count + 1,
        )
        .returning(
            table.c.id,
            table.c.task_type,
            table.c.payload,
            table.c.priority,
            table.c.created_at,
            table.c.attempt_count,
            table.c.max_attempts,
            table.c.error_history,
        )
    )


def claim(
    conn: Connection, worker_id: str, task_types: Sequence[str] | None, limit: int
) -> list[ClaimedJob]:
    """Claim up to `limit` due jobs in one committed transaction, in run order."""
    if limit < 1 or (task_types is not None and not task_types):
        return []
    params: dict[str, Any] = {"now": utcnow(), "p_worker": worker_id, "limit": limit}
    if task_types is not None:
        params["task_types"] = list(task_types)
    try:
        rows = conn.execute(_claim_statement(task_types is not None), params).all()
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    jobs = [
        ClaimedJob(r[0], r[1], r[2] or {}, r[3], r[4], worker_id, r[5], r[6], r[7] or [])
        for r in rows
    ]
    # RETURNING follows no order; run them as the queue orders them
    jobs.sort(key=lambda j: (j.priority, j.created_at, j.id))
    return jobs


def _owner_params(job: ClaimedJob) -> dict[str, Any]:
    """The parameters that match a job only while this claim still owns it."""
    return {"job_id": job.id, "owner": job.worker_id, "attempt": job.attempt_count}


def _check_owned(result: Any, job: ClaimedJob) -> None:
    """JobLost when an owned UPDATE matched nothing."""
    if cast(CursorResult[Any], result).rowcount == 0:
        raise JobLost(f"job {job.id} is no longer owned by {job.worker_id}", context={"id": job.id})


@cache
def _complete_statement() -> Update:
    """Mark an owned job completed with its result."""
    table = _table()
    return _owned_statement().values(
        status=JOB_COMPLETED,
        result=bindparam("p_result", type_=table.c.result.type),
        completed_at=bindparam("p_now", type_=table.c.completed_at.type),
    )


def complete(conn: Connection, job: ClaimedJob, result: dict[str, Any] | None) -> None:
    """Complete a claimed job in the caller's transaction; JobLost when the claim was lost."""
    params = _owner_params(job)
    params["p_result"], params["p_now"] = result, utcnow()
    _check_owned(conn.execute(_complete_statement(), params), job)


def fail(
    conn: Connection, job: ClaimedJob, error: str, *, retry: bool, config: JobSettings
) -> None:
    """Record a failed attempt in the caller's transaction (backoff or failed); JobLost if lost."""
    values = failure_values(job, error, retry, utcnow(), config)
    _check_owned(conn.execute(_owned_statement().values(**values), _owner_params(job)), job)


@cache
def _release_statement() -> Update:
    """Give an owned, never-started job back to the queue as if it had not been claimed."""
    table = _table()
    return _owned_statement().values(
        status=JOB_PENDING,
        worker_id=None,
        started_at=None,
        heartbeat_at=None,
        attempt_count=table.c.attempt_count - 1,
    )


def release(conn: Connection, jobs: Sequence[ClaimedJob]) -> int:
    """Return claimed jobs that never started to pending (stop requested); how many."""
    if not jobs:
        return 0
    result = conn.execute(_release_statement(), [_owner_params(j) for j in jobs])
    return cast(CursorResult[Any], result).rowcount


class Pacer:
    """Sizes batches and decides which jobs may share a transaction, from measured runtimes.

    A batch should take about one commit interval: many quick jobs, a single slow one, so
    slow jobs spread over workers. A task type joins the shared (group-committed)
    transaction only once it is known to be quick; an unknown or slow type runs in a
    transaction of its own, so it never holds finished jobs (or SQLite's write lock) back.
    """

    SMOOTHING = 0.2

    def __init__(self, config: JobSettings) -> None:
        self.max_batch = config.batch_max
        self.interval = config.group_commit_interval
        self._by_type: dict[str, float] = {}
        self._overall: float | None = None
        self._lock = threading.Lock()

    def record(self, task_type: str, seconds: float) -> None:
        """Fold one job's runtime into the averages."""
        a = self.SMOOTHING
        with self._lock:
            previous = self._by_type.get(task_type)
            self._by_type[task_type] = (
                seconds if previous is None else previous + a * (seconds - previous)
            )
            overall = self._overall
            self._overall = seconds if overall is None else overall + a * (seconds - overall)

    def is_quick(self, task_type: str) -> bool:
        """Whether jobs of this type may be group-committed with their neighbours."""
        typical = self._by_type.get(task_type)
        return typical is not None and self.interval > 0 and typical <= self.interval / 4

    def next_limit(self, current: int) -> int:
        """How many jobs to claim next: about one interval's worth, growing at most 2x."""
        overall = self._overall
        if overall is None or self.interval <= 0:
            return 1
        fits = int(self.interval / max(overall, 1e-6))
        return max(1, min(self.max_batch, current * 2, fits))


class Group:
    """The shared transaction of a batch's quick jobs, committed by time or at batch end."""

    def __init__(self, conn: Connection, interval: float) -> None:
        self.conn = conn
        self.interval = interval
        self.completed = 0
        self.failed = 0
        self._opened: float | None = None

    def begin(self) -> Connection:
        """The connection with the shared transaction open, beginning it when none is."""
        if self._opened is None:
            if not self.conn.in_transaction():
                self.conn.begin()
            self._opened = time.monotonic()
        return self.conn

    def job_session(self) -> Session:
        """A handler's session inside the shared transaction.

        Its transaction is a SAVEPOINT, taken only when the handler first uses the session:
        rolling it back undoes this job's writes and keeps its neighbours'.
        """
        return Session(
            bind=self.begin(), expire_on_commit=False, join_transaction_mode="create_savepoint"
        )

    def due(self) -> bool:
        """Whether finished jobs have waited a commit interval."""
        return self._opened is not None and time.monotonic() - self._opened >= self.interval

    def commit(self) -> tuple[int, int]:
        """Commit what is open; the completions and failures it made visible."""
        done = (self.completed, self.failed)
        if self._opened is not None:
            self.conn.commit()
            self._opened = None
        self.completed = self.failed = 0
        return done

    def close(self) -> None:
        """Roll back anything left uncommitted (after an error)."""
        if self._opened is not None:
            self._opened = None
            self.conn.rollback()


def handler_of(job: ClaimedJob) -> Handler:
    """The handler of a claimed job (claimed only among registered task types)."""
    handler = get_handler(job.task_type)
    assert handler is not None
    return handler


def checked_result(result: object) -> dict[str, Any] | None:
    """A handler's return value when it can be stored as the job result."""
    if result is None:
        return None
    if not isinstance(result, dict):
        raise JobFatalError(f"handler returned {type(result).__name__}, not a dict or None")
    try:
        json.dumps(result)
    except (TypeError, ValueError) as exc:
        raise JobFatalError(f"handler result is not JSON-serializable: {exc}") from exc
    return result


@dataclass(frozen=True)
class BatchReport:
    """What one claimed batch came to: for `yuantus worker -v` and monitoring."""

    worker_id: str
    claimed: int
    completed: int
    failed: int
    seconds: float
    task_types: dict[str, int]

    def line(self) -> str:
        """One human line, e.g. `job-0: batch of 3 (echo 2, noop 1): 3 completed, 0 failed`."""
        kinds = ", ".join(f"{name} {count}" for name, count in sorted(self.task_types.items()))
        return (
            f"{self.worker_id}: batch of {self.claimed} ({kinds}): {self.completed} completed,"
            f" {self.failed} failed in {self.seconds:.3f} s"
        )
