"""One structured log line and the metrics of each finished job attempt."""

from __future__ import annotations

import logging

from yuantus.core import metrics
from yuantus.job import service
from yuantus.job.batch import ClaimedJob
from yuantus.job.registry import JobFatalError

log = logging.getLogger("yuantus.job.worker")


def failure_outcome(job: ClaimedJob, exc: Exception) -> str:
    """What a failed attempt becomes: lost (taken), retry (backoff) or failed (for good)."""
    if isinstance(exc, service.JobLost):
        return "lost"
    if isinstance(exc, JobFatalError) or job.attempt_count >= job.max_attempts:
        return "failed"
    return "retry"


def finished(job: ClaimedJob, outcome: str, seconds: float) -> None:
    """Count the attempt and log it: task type, job id, attempt, outcome, duration."""
    metrics.observe_job(job.task_type, outcome, seconds)
    log.info(
        "job %s (%s) attempt %d: %s in %.1f ms",
        job.id,
        job.task_type,
        job.attempt_count,
        outcome,
        seconds * 1000,
        extra={
            "task_type": job.task_type,
            "job_id": job.id,
            "attempt": job.attempt_count,
            "outcome": outcome,
            "duration_ms": round(seconds * 1000, 2),
            "worker_id": job.worker_id,
        },
    )
