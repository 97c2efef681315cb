"""Claim and finish jobs one at a time through the worker's own path (job/batch.py)."""

from __future__ import annotations

from typing import Any

from yuantus.core.db import Database
from yuantus.job import batch
from yuantus.job.config import JobSettings


def claim_one(
    db: Database, worker_id: str, task_types: list[str] | None = None
) -> batch.ClaimedJob | None:
    """Claim the next due job as a worker does, with a batch of one; None when none is due."""
    with db.engine.connect() as conn:
        jobs = batch.claim(conn, worker_id, task_types, 1)
    return jobs[0] if jobs else None


def complete(db: Database, job: batch.ClaimedJob, result: dict[str, Any] | None = None) -> None:
    """Complete a claimed job in a transaction of its own."""
    with db.engine.begin() as conn:
        batch.complete(conn, job, result)


def fail(db: Database, job: batch.ClaimedJob, error: str, *, retry: bool = True) -> None:
    """Record a failed attempt of a claimed job in a transaction of its own."""
    with db.engine.begin() as conn:
        batch.fail(conn, job, error, retry=retry, config=JobSettings())
