"""The job queue in GET /metrics (depth and wait by task type) and in GET /ops/summary."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuantus.core.db import utcnow
from yuantus.core.ops_section import Measure, OpsSection, ratio, window_start
from yuantus.job.models import JOB_COMPLETED, JOB_FAILED, JOB_PENDING, JOB_PROCESSING, Job

# a runnable job waiting longer than this means too few workers (or none)
DEFAULT_MAX_WAIT_SECONDS = 600.0
DEFAULT_FAILURE_RATE = 0.05


def _age(now: datetime, moment: datetime | None) -> float:
    """Seconds since a moment (0 when there is none)."""
    return max(0.0, (now - moment).total_seconds()) if moment is not None else 0.0


def queue(session: Session) -> dict[str, dict[str, Any]]:
    """Per task type: pending, processing, and how long the oldest runnable job has waited.

    A job in backoff is pending but not yet runnable: its wait counts from its scheduled time.
    """
    now = utcnow()
    out: dict[str, dict[str, Any]] = {}
    counts = select(Job.task_type, Job.status, func.count()).where(
        Job.status.in_((JOB_PENDING, JOB_PROCESSING))
    )
    for task_type, status, count in session.execute(counts.group_by(Job.task_type, Job.status)):
        row = out.setdefault(task_type, {"pending": 0, "processing": 0, "oldest_wait_s": 0.0})
        row[status] = count
    waits = (
        select(Job.task_type, func.min(Job.scheduled_at))
        .where(Job.status == JOB_PENDING, Job.scheduled_at <= now)
        .group_by(Job.task_type)
    )
    for task_type, oldest in session.execute(waits):
        out[task_type]["oldest_wait_s"] = round(_age(now, _aware(oldest)), 3)
    return dict(sorted(out.items()))


def _aware(value: datetime | None) -> datetime | None:
    """SQLite answers an aggregate of a UTC column without its zone: it is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def ops_metrics(session: Session) -> Iterator[Metric]:
    """yuantus_job_queue_depth{task_type,status} and yuantus_job_queue_oldest_wait_seconds."""
    depth = GaugeMetricFamily(
        "yuantus_job_queue_depth",
        "Jobs pending or processing, by task type (read from the database at scrape).",
        labels=["task_type", "status"],
    )
    wait = GaugeMetricFamily(
        "yuantus_job_queue_oldest_wait_seconds",
        "How long the oldest runnable pending job has waited, by task type.",
        labels=["task_type"],
    )
    for task_type, row in queue(session).items():
        depth.add_metric([task_type, JOB_PENDING], row["pending"])
        depth.add_metric([task_type, JOB_PROCESSING], row["processing"])
        wait.add_metric([task_type], row["oldest_wait_s"])
    yield depth
    yield wait


def ops_section(session: Session, window_days: int) -> OpsSection:
    """Queue depth and wait now; jobs finished in the window; dead letters waiting for a person."""
    since = window_start(window_days)
    finished = dict(
        session.execute(
            select(Job.status, func.count())
            .where(Job.status.in_((JOB_COMPLETED, JOB_FAILED)), Job.completed_at >= since)
            .group_by(Job.status)
        ).all()
    )
    completed, failed = finished.get(JOB_COMPLETED, 0), finished.get(JOB_FAILED, 0)
    dead = session.scalar(
        select(func.count()).where(Job.status == JOB_FAILED, Job.attempt_count >= Job.max_attempts)
    )
    by_type = queue(session)
    oldest = max((row["oldest_wait_s"] for row in by_type.values()), default=0.0)
    return OpsSection(
        figures={
            "queue": by_type,
            "pending": sum(row["pending"] for row in by_type.values()),
            "processing": sum(row["processing"] for row in by_type.values()),
            "completed_in_window": completed,
            "failed_in_window": failed,
            "dead_letters": dead or 0,
        },
        measures={
            "failure_rate": Measure(
                ratio(failed, completed + failed),
                DEFAULT_FAILURE_RATE,
                "share of the jobs finished in the window that failed for good",
            ),
            "oldest_wait_seconds": Measure(
                oldest, DEFAULT_MAX_WAIT_SECONDS, "the longest a runnable job has waited"
            ),
        },
    )
