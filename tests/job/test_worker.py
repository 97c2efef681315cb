"""Worker threads in-process: no duplicate execution, retries, fatal errors, progress."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.job.conftest import lines
from yuantus.core.db import Database, utcnow
from yuantus.job import service
from yuantus.job.config import JobSettings
from yuantus.job.models import Job
from yuantus.job.worker import Worker

FAST = JobSettings(backoff_base=0, backoff_cap=0, heartbeat_interval=0.1)


def _drain(db: Database, concurrency: int = 1) -> Worker:
    worker = Worker(db, concurrency=concurrency, once=True, poll_interval=0.05, config=FAST)
    worker.start()
    assert worker.join(60)
    return worker


def test_two_worker_threads_run_each_job_exactly_once(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "runs.log"
    with database.scope() as s:
        for _ in range(300):
            service.create_job(s, "test_count", {"path": str(path)})
    worker = _drain(database, concurrency=2)
    runs = [line[0] for line in lines(path)]
    assert len(runs) == 300
    assert len(set(runs)) == 300
    assert worker.counts() == (300, 0)
    with database.scope() as s:
        statuses = set(s.scalars(select(Job.status)))
        assert statuses == {"completed"}


def test_retry_then_success_and_fatal_failure(database: Database) -> None:
    with database.scope() as s:
        flaky = service.create_job(s, "test_flaky", {"succeed_on": 3}, max_attempts=3)
        fatal = service.create_job(s, "test_fatal", {}, max_attempts=3)
        hopeless = service.create_job(s, "test_flaky", {"succeed_on": 9}, max_attempts=2)
    _drain(database)
    with database.scope() as s:
        ok = service.get_job(s, flaky.id)
        assert ok.status == "completed"
        assert ok.attempt_count == 3
        assert ok.result == {"attempt": 3}
        assert len(ok.error_history) == 2
        bad = service.get_job(s, fatal.id)
        assert bad.status == "failed"
        assert bad.attempt_count == 1
        assert bad.remaining_attempts == 2
        assert bad.last_error == "cannot ever work"
        dead = service.get_job(s, hopeless.id)
        assert dead.is_dead_letter
        assert dead.attempt_count == 2


def test_handler_session_commits_with_completion_or_rolls_back(database: Database) -> None:
    with database.scope() as s:
        good = service.create_job(s, "test_progress", {}, max_attempts=1)
        bad = service.create_job(s, "test_progress", {"explode": True}, max_attempts=1)
    _drain(database)
    with database.scope() as s:
        done = service.get_job(s, good.id)
        assert done.status == "completed"
        assert done.progress == {"step": 1, "of": 2}
        assert done.result is not None
        assert service.get_job(s, done.result["follow_up"]).task_type == "noop"
        assert service.get_job(s, bad.id).status == "failed"
        # the failed handler's follow-up job was rolled back with its session
        follow_ups = s.scalars(select(Job).where(Job.task_type == "noop")).all()
        assert [j.payload["after"] for j in follow_ups] == [good.id]


def test_worker_claims_only_types_it_handles(database: Database) -> None:
    with database.scope() as s:
        echo = service.create_job(s, "echo", {"a": 1})
        noop = service.create_job(s, "noop", {})
    worker = Worker(database, task_types=["echo"], once=True, poll_interval=0.05, config=FAST)
    worker.start()
    assert worker.join(30)
    with database.scope() as s:
        assert service.get_job(s, echo.id).result == {"a": 1}
        assert service.get_job(s, noop.id).status == "pending"


def test_running_worker_picks_up_new_jobs_and_stops_gracefully(database: Database) -> None:
    worker = Worker(database, concurrency=2, poll_interval=0.2, config=FAST)
    worker.start()
    try:
        with database.scope() as s:
            job = service.create_job(s, "echo", {"at": utcnow().isoformat()})
        for _ in range(100):
            with database.scope() as s:
                if service.get_job(s, job.id).status == "completed":
                    break
            worker.join(0.05)
        else:
            raise AssertionError("job not run")
    finally:
        assert worker.stop(10)
