"""Batch claim and group commit: no job to two workers, failures isolated, stop releases."""

from __future__ import annotations

import random
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from yuantus.core.db import Database
from yuantus.job import batch, service
from yuantus.job.config import JobSettings
from yuantus.job.models import Job
from yuantus.job.worker import Worker

FAST = JobSettings(backoff_base=0, backoff_cap=0, heartbeat_interval=0.1)


def _enqueue(db: Database, count: int, task_type: str = "noop") -> list[str]:
    with db.scope() as s:
        return [service.create_job(s, task_type, {"i": i}).id for i in range(count)]


def test_batch_claim_never_hands_a_job_to_two_claimers(database: Database) -> None:
    ids = _enqueue(database, 600)
    claimed: dict[str, list[str]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def claimer(name: str) -> None:
        mine: list[str] = []
        rng = random.Random(name)
        try:
            with database.engine.connect() as conn:
                start.wait()
                while jobs := batch.claim(conn, name, ["noop"], rng.randint(1, 32)):
                    assert all(j.worker_id == name and j.attempt_count == 1 for j in jobs)
                    mine.extend(j.id for j in jobs)
        except BaseException as exc:
            errors.append(exc)
        claimed[name] = mine

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    every = [job_id for mine in claimed.values() for job_id in mine]
    assert Counter(every).most_common(1)[0][1] == 1, "no job claimed twice"
    assert sorted(every) == sorted(ids), "every job claimed"
    if database.dialect == "postgresql":
        # SQLite serializes claimers on its write lock, so one thread may legitimately win every
        # round under load; only SKIP LOCKED promises concurrent claimers share the queue
        assert sum(1 for mine in claimed.values() if mine) > 1, "the claimers shared the work"
    owner = {job_id: name for name, mine in claimed.items() for job_id in mine}
    with database.scope() as s:
        for job in s.scalars(select(Job)):
            assert (job.status, job.worker_id, job.attempt_count) == (
                "processing",
                owner[job.id],
                1,
            )


def test_batch_claim_takes_due_jobs_in_queue_order(database: Database) -> None:
    with database.scope() as s:
        low = service.create_job(s, "noop", {}, priority=200)
        high = service.create_job(s, "noop", {}, priority=1)
        mid = service.create_job(s, "echo", {}, priority=50)
    with database.engine.connect() as conn:
        assert [j.id for j in batch.claim(conn, "w", ["noop", "echo"], 2)] == [high.id, mid.id]
        assert [j.id for j in batch.claim(conn, "w", ["echo"], 5)] == []
        assert [j.id for j in batch.claim(conn, "w", None, 5)] == [low.id]


def _quick(worker: Worker, *task_types: str) -> None:
    """Teach the worker's pacer that these task types are quick (they join group commits)."""
    for task_type in task_types:
        worker.pacer.record(task_type, 0.0)


def test_failing_job_in_a_batch_keeps_its_neighbours_work(database: Database) -> None:
    with database.scope() as s:
        first = service.create_job(s, "test_progress", {}, priority=1, max_attempts=1)
        explode = service.create_job(s, "test_progress", {"explode": True}, priority=2)
        fatal = service.create_job(s, "test_fatal", {}, priority=3)
        last = service.create_job(s, "test_progress", {}, priority=4, max_attempts=1)
    worker = Worker(database, once=True, config=FAST)
    _quick(worker, "test_progress", "test_fatal")
    commits: list[Any] = []

    def on_commit(conn: Any) -> None:
        commits.append(conn)

    event.listen(database.engine, "commit", on_commit)
    try:
        with database.engine.connect() as conn:
            jobs = batch.claim(conn, "w", None, 10)
            assert len(jobs) == 4
            commits.clear()
            worker._run_batch(conn, jobs)
    finally:
        event.remove(database.engine, "commit", on_commit)
    # (on PostgreSQL progress reports commit on connections of their own)
    assert commits.count(conn) == 1, "the whole batch committed once"
    assert worker.counts() == (2, 2)
    with database.scope() as s:
        for good in (first, last):
            done = service.get_job(s, good.id)
            assert done.status == "completed"
            assert done.progress == {"step": 1, "of": 2}
            assert done.result is not None
            assert service.get_job(s, done.result["follow_up"]).payload == {"after": good.id}
        retried = service.get_job(s, explode.id)
        assert (retried.status, retried.attempt_count) == ("pending", 1)
        assert "boom after enqueueing" in (retried.last_error or "")
        assert service.get_job(s, fatal.id).status == "failed"
        # the exploding handler's follow-up job was rolled back with its savepoint only
        follow_ups = s.scalars(select(Job.payload).where(Job.task_type == "noop")).all()
        assert sorted(p["after"] for p in follow_ups) == sorted([first.id, last.id])


def test_stop_mid_batch_gives_unstarted_jobs_back(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "runs.log"
    with database.scope() as s:
        for _ in range(5):
            service.create_job(s, "test_count", {"path": str(path)})
    worker = Worker(database, once=True, config=FAST)
    with database.engine.connect() as conn:
        jobs = batch.claim(conn, "w", None, 5)
        worker.request_stop()
        worker._run_batch(conn, jobs)
    assert not path.exists(), "nothing started after the stop"
    with database.scope() as s:
        rows = s.execute(select(Job.status, Job.worker_id, Job.attempt_count)).all()
        assert set(rows) == {("pending", None, 0)}


def test_lost_claim_in_a_batch_is_not_completed(database: Database) -> None:
    ids = _enqueue(database, 3)
    worker = Worker(database, once=True, config=FAST)
    _quick(worker, "noop")
    with database.engine.connect() as conn:
        jobs = batch.claim(conn, "w", None, 3)
        # another worker's stale check took the middle job back meanwhile
        with database.scope() as s:
            s.get_one(Job, jobs[1].id).worker_id = None
            s.get_one(Job, jobs[1].id).status = "pending"
        worker._run_batch(conn, jobs)
    with database.scope() as s:
        status = {row[0]: row[1] for row in s.execute(select(Job.id, Job.status))}
    assert status == {ids[0]: "completed", ids[1]: "pending", ids[2]: "completed"}


def test_pacer_grows_batches_for_quick_jobs_and_isolates_slow_ones() -> None:
    pacer = batch.Pacer(JobSettings(batch_max=32, group_commit_interval=0.1))
    assert not pacer.is_quick("noop"), "an unknown task type runs alone first"
    assert pacer.next_limit(1) == 1
    pacer.record("noop", 0.0005)
    assert pacer.is_quick("noop")
    limits = [1]
    for _ in range(7):
        limits.append(pacer.next_limit(limits[-1]))
    assert limits == [1, 2, 4, 8, 16, 32, 32, 32]
    for _ in range(30):
        pacer.record("export", 2.0)
    assert not pacer.is_quick("export")
    assert pacer.next_limit(32) == 1, "slow jobs are claimed one at a time"
    off = batch.Pacer(JobSettings(batch_max=1, group_commit_interval=0))
    off.record("noop", 0.0)
    assert not off.is_quick("noop")
    assert off.next_limit(1) == 1


def test_worker_threads_drain_with_batches_exactly_once(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "runs.log"
    with database.scope() as s:
        for _ in range(400):
            service.create_job(s, "test_count", {"path": str(path)})
    worker = Worker(database, concurrency=2, once=True, poll_interval=0.05, config=FAST)
    worker.start()
    assert worker.join(60)
    runs = Counter(line.split()[0] for line in path.read_text().splitlines())
    assert len(runs) == 400
    assert set(runs.values()) == {1}
    with database.scope() as s:
        assert s.scalar(select(func.count()).where(Job.status == "completed")) == 400
