"""A job handler's error keeps its after-rollback writes: run alone, grouped, and via the CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.job.conftest import TEST_TASKS, worker_env
from yuantus.audit.models import AuditEvent
from yuantus.cli import app as cli
from yuantus.core.db import Database
from yuantus.core.settings import Settings
from yuantus.job import batch, service
from yuantus.job.config import JobSettings
from yuantus.job.models import Job
from yuantus.job.worker import Worker

FAST = JobSettings(backoff_base=0, backoff_cap=0, heartbeat_interval=0.1)


def _records(database: Database) -> list[tuple[str, str, dict[str, object] | None]]:
    with database.scope() as s:
        rows = s.execute(select(AuditEvent.object_id, AuditEvent.action, AuditEvent.after))
        return sorted((r[0], r[1], r[2]) for r in rows)


def _assert_refused(database: Database, job_ids: list[str], status: str) -> None:
    assert _records(database) == sorted((j, "test_refused", {"attempt": 1}) for j in job_ids)
    with database.scope() as s:
        for job_id in job_ids:
            job = service.get_job(s, job_id)
            assert (job.status, job.attempt_count) == (status, 1)
            assert "Conflict: refused by the test task" in (job.last_error or "")
        # the handlers' own writes (their follow-up jobs) rolled back
        assert s.scalars(select(Job).where(Job.task_type == "noop")).all() == []


def test_a_job_run_alone_keeps_the_write_and_is_retried(database: Database) -> None:
    with database.scope() as s:
        job = service.create_job(s, "test_refuse_with_record", {}, max_attempts=2)
    worker = Worker(database, once=True, config=FAST)
    with database.engine.connect() as conn:
        jobs = batch.claim(conn, "w", None, 1)
        worker._run_batch(conn, jobs)  # an unknown task type runs alone
    assert worker.counts() == (0, 1)
    _assert_refused(database, [job.id], "pending")


def test_grouped_jobs_keep_their_writes_and_their_neighbours_work(database: Database) -> None:
    with database.scope() as s:
        first = service.create_job(s, "test_refuse_with_record", {}, priority=1, max_attempts=1)
        good = service.create_job(s, "test_progress", {}, priority=2, max_attempts=1)
        second = service.create_job(s, "test_refuse_with_record", {}, priority=3, max_attempts=1)
    worker = Worker(database, once=True, config=FAST)
    for task_type in ("test_refuse_with_record", "test_progress"):
        worker.pacer.record(task_type, 0.0)  # quick: they share one transaction
    with database.engine.connect() as conn:
        jobs = batch.claim(conn, "w", None, 10)
        assert len(jobs) == 3
        worker._run_batch(conn, jobs)
    assert worker.counts() == (1, 2)
    assert _records(database) == sorted(
        (j, "test_refused", {"attempt": 1}) for j in (first.id, second.id)
    )
    with database.scope() as s:
        assert service.get_job(s, first.id).status == "failed"
        assert service.get_job(s, second.id).status == "failed"
        done = service.get_job(s, good.id)
        assert done.status == "completed"
        assert done.result is not None
        follow_ups = s.scalars(select(Job.payload).where(Job.task_type == "noop")).all()
        assert follow_ups == [{"after": good.id}]


def test_yuantus_worker_command_keeps_the_write(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in worker_env(settings).items():
        if key.startswith("YUANTUS_"):
            monkeypatch.setenv(key, value)
    assert TEST_TASKS in worker_env(settings)["YUANTUS_EXTRA_DOMAINS"]
    with database.scope() as s:
        job = service.create_job(s, "test_refuse_with_record", {}, max_attempts=1)
    r = CliRunner().invoke(cli, ["worker", "--once", "--task-type", "test_refuse_with_record"])
    assert r.exit_code == 0, r.output
    _assert_refused(database, [job.id], "failed")
