"""Worker processes: 4 drain 2,000 jobs exactly once; SIGKILL mid-job; SIGTERM finishes."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.job.conftest import lines, wait_for, worker_env
from yuantus.core.db import Database
from yuantus.job import service
from yuantus.job.models import Job

Spawn = Callable[..., subprocess.Popen[bytes]]


def _job(db: Database, job_id: str) -> Job:
    with db.scope() as s:
        return service.get_job(s, job_id)


@pytest.mark.slow
def test_four_worker_processes_drain_2000_jobs_exactly_once(
    database: Database, tmp_path: Path, spawn_worker: Spawn
) -> None:
    if database.dialect != "postgresql":
        pytest.skip("multi-process draining is a PostgreSQL deployment")
    path = tmp_path / "runs.log"
    env = {**worker_env(database.settings), "YUANTUS_LOG_LEVEL": "INFO"}
    procs = [spawn_worker(env, "--poll-interval", "0.1") for _ in range(4)]
    # every worker is up (its start line logged) before the jobs exist, so a slow start on a
    # loaded machine cannot leave one process to drain them all
    logs = [tmp_path / f"worker-{i}.log" for i in range(4)]
    wait_for(lambda: all(log.exists() and "worker " in log.read_text() for log in logs), 60)
    with database.scope() as s:
        for _ in range(2000):
            service.create_job(s, "test_count", {"path": str(path)})
    wait_for(lambda: len(lines(path)) >= 2000, 120, step=0.2)
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        assert proc.wait(60) == 0
    runs = lines(path)
    job_ids = [r[0] for r in runs]
    assert len(job_ids) == 2000, "every job executed, none twice"
    assert len(set(job_ids)) == 2000
    assert len({r[1] for r in runs}) > 1, "the work was shared between processes"
    with database.scope() as s:
        rows = s.execute(select(Job.status, func.count()).group_by(Job.status)).all()
        assert dict(rows) == {"completed": 2000}
        assert s.scalar(select(func.max(Job.attempt_count))) == 1


@pytest.mark.slow
def test_sigkilled_worker_job_is_requeued_and_completed_by_another(
    database: Database, tmp_path: Path, spawn_worker: Spawn
) -> None:
    if database.dialect != "postgresql":
        pytest.skip("crash recovery across processes is tested on PostgreSQL")
    path = tmp_path / "runs.log"
    with database.scope() as s:
        job = service.create_job(s, "test_block", {"path": str(path), "sleep": 60})
    env = worker_env(
        database.settings, heartbeat_interval=0.2, stale_timeout=1.5, stale_check_interval=0.3
    )
    doomed = spawn_worker(env, "--poll-interval", "0.1")
    wait_for(lambda: len(lines(path)) == 1)
    first_owner = _job(database, job.id).worker_id
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(10)
    assert _job(database, job.id).status == "processing"  # until the heartbeat goes stale
    rescuer = spawn_worker(env, "--poll-interval", "0.1")
    wait_for(lambda: _job(database, job.id).status == "completed", timeout=30)
    done = _job(database, job.id)
    assert done.attempt_count == 2
    assert done.worker_id != first_owner
    assert done.result == {"attempt": 2, "pid": rescuer.pid}
    assert "stopped heart-beating" in done.error_history[0]["error"]
    assert [r[2] for r in lines(path)] == ["1", "2"]
    rescuer.send_signal(signal.SIGTERM)
    assert rescuer.wait(20) == 0


@pytest.mark.slow
def test_sigterm_finishes_the_running_job_and_claims_nothing_new(
    database: Database, tmp_path: Path, spawn_worker: Spawn
) -> None:
    path = tmp_path / "runs.log"
    with database.scope() as s:
        running = service.create_job(s, "test_block", {"path": str(path), "sleep": 1.5})
        waiting = service.create_job(s, "noop", {}, priority=500)
    proc = spawn_worker(worker_env(database.settings), "--poll-interval", "0.1")
    wait_for(lambda: len(lines(path)) == 1)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0
    assert _job(database, running.id).status == "completed"
    assert _job(database, waiting.id).status == "pending"


@pytest.mark.slow
def test_sigkilled_worker_mid_batch_has_all_its_claims_run_exactly_once_elsewhere(
    database: Database, tmp_path: Path, spawn_worker: Spawn
) -> None:
    if database.dialect != "postgresql":
        pytest.skip("crash recovery across processes is tested on PostgreSQL")
    path = tmp_path / "runs.log"
    with database.scope() as s:
        # quick jobs first, so the worker's batches grow to the maximum before the blocker
        before = [service.create_job(s, "test_count", {"path": str(path)}, priority=1).id]
        before += [
            service.create_job(s, "test_count", {"path": str(path)}, priority=1).id
            for _ in range(99)
        ]
        blocker = service.create_job(s, "test_block", {"path": str(path), "sleep": 60}, priority=2)
        after = [
            service.create_job(s, "test_count", {"path": str(path)}, priority=3).id
            for _ in range(60)
        ]
    env = worker_env(
        database.settings, heartbeat_interval=0.2, stale_timeout=1.5, stale_check_interval=0.3
    )
    doomed = spawn_worker(env, "--poll-interval", "0.1")
    wait_for(lambda: blocker.id in {r[0] for r in lines(path)})
    owner = _job(database, blocker.id).worker_id
    with database.scope() as s:
        held = s.scalars(
            select(Job.id).where(Job.worker_id == owner, Job.status == "processing")
        ).all()
    assert len(held) > 1, "the worker died holding a batch: the blocker and jobs not started"
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(10)
    rescuer = spawn_worker(env, "--poll-interval", "0.1")
    wait_for(lambda: len(lines(path)) == 162, timeout=40)
    runs = [r[0] for r in lines(path)]
    assert sorted(set(runs)) == sorted([*before, blocker.id, *after])
    assert runs.count(blocker.id) == 2, "the interrupted job ran again"
    assert all(runs.count(job_id) == 1 for job_id in [*before, *after]), "the rest exactly once"
    with database.scope() as s:
        rows = s.execute(select(Job.status, func.count()).group_by(Job.status)).all()
        assert dict(rows) == {"completed": 161}
        rerun = s.scalars(select(Job).where(Job.id.in_(held))).all()
        assert all("stopped heart-beating" in j.error_history[0]["error"] for j in rerun)
    rescuer.send_signal(signal.SIGTERM)
    assert rescuer.wait(20) == 0
