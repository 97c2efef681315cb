"""Failure bookkeeping: error history and exponential backoff with jitter."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from yuantus.job.config import JobSettings
from yuantus.job.models import JOB_FAILED, JOB_PENDING

MAX_ERROR_CHARS = 4000
MAX_HISTORY = 50


class ClaimRecord(Protocol):
    """What bookkeeping needs of a claimed job (an ORM Job or a worker's ClaimedJob)."""

    @property
    def id(self) -> str: ...
    @property
    def worker_id(self) -> str | None: ...
    @property
    def attempt_count(self) -> int: ...
    @property
    def max_attempts(self) -> int: ...
    @property
    def error_history(self) -> list[dict[str, Any]]: ...


def backoff_delay(
    attempt: int, *, base: float, cap: float, rng: Callable[[], float] = random.random
) -> float:
    """Seconds before retry `attempt` + 1: base * 2^(attempt-1), capped, with equal jitter."""
    ceiling = min(cap, base * 2.0 ** max(0, attempt - 1))
    # half fixed, half random: retries of jobs that failed together spread out, yet still grow
    return ceiling / 2 + rng() * ceiling / 2


def _history_entry(job: ClaimRecord, error: str, retryable: bool, now: datetime) -> dict[str, Any]:
    """One error_history record."""
    return {
        "attempt": job.attempt_count,
        "error": error[:MAX_ERROR_CHARS],
        "at": now.isoformat(),
        "worker_id": job.worker_id,
        "retryable": retryable,
    }


def with_history(
    job: ClaimRecord, error: str, retryable: bool, now: datetime
) -> list[dict[str, Any]]:
    """The job's error history with this failure appended, oldest entries trimmed."""
    return [*job.error_history, _history_entry(job, error, retryable, now)][-MAX_HISTORY:]


def failure_values(
    job: ClaimRecord, error: str, retry: bool, now: datetime, conf: JobSettings
) -> dict[str, Any]:
    """Back to pending after a backoff while attempts remain, otherwise failed."""
    history = with_history(job, error, retry, now)
    values: dict[str, Any] = {"last_error": error[:MAX_ERROR_CHARS], "error_history": history}
    if retry and job.attempt_count < job.max_attempts:
        delay = backoff_delay(job.attempt_count, base=conf.backoff_base, cap=conf.backoff_cap)
        values.update(
            status=JOB_PENDING,
            worker_id=None,
            heartbeat_at=None,
            scheduled_at=now + timedelta(seconds=delay),
        )
    else:
        values.update(status=JOB_FAILED, completed_at=now)
    return values
