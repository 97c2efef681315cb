"""Job queue benchmark: enqueue rate, end-to-end noop throughput, and a bare-SQL baseline.

python -m bench jobs [--jobs N] [--backends postgresql,sqlite] [--pg-admin-url URL]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import func, select

import yuantus.models  # noqa: F401 - loads the domain list (task types) in every process
from bench.common import PG_ADMIN_URL, bench_settings, throwaway_database
from yuantus.core import migrate
from yuantus.core.db import Database
from yuantus.job import batch, service
from yuantus.job.models import Job

WORKER_COUNTS = (1, 2, 4)
BATCH = 500

# the bare baseline: the same claim as a batch of one, hand-written, no ORM, no framework
PG_CLAIM = """
UPDATE meta_conversion_jobs SET status = 'processing', worker_id = %s, started_at = now(),
  heartbeat_at = now(), attempt_count = attempt_count + 1
WHERE id = (SELECT id FROM meta_conversion_jobs WHERE status = 'pending' AND scheduled_at <= now()
            ORDER BY priority, created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING id"""
PG_COMPLETE = (
    "UPDATE meta_conversion_jobs SET status = 'completed', completed_at = now() "
    "WHERE id = %s AND worker_id = %s"
)
SQLITE_CLAIM = """
UPDATE meta_conversion_jobs SET status = 'processing', worker_id = ?, started_at = ?,
  heartbeat_at = ?, attempt_count = attempt_count + 1
WHERE id = (SELECT id FROM meta_conversion_jobs WHERE status = 'pending' AND scheduled_at <= ?
            ORDER BY priority, created_at LIMIT 1)
RETURNING id"""
SQLITE_COMPLETE = (
    "UPDATE meta_conversion_jobs SET status = 'completed', completed_at = ? "
    "WHERE id = ? AND worker_id = ?"
)

# a second, stronger baseline (for comparison only; the ratio is against the loop
# above): claim up to 32 rows in one statement, complete each, one commit per batch
BARE_BATCH = 32
PG_BATCH_CLAIM = f"""
WITH picked AS MATERIALIZED (
  SELECT id FROM meta_conversion_jobs WHERE status = 'pending' AND scheduled_at <= now()
  ORDER BY priority, created_at LIMIT {BARE_BATCH} FOR UPDATE SKIP LOCKED)
UPDATE meta_conversion_jobs SET status = 'processing', worker_id = %s, started_at = now(),
  heartbeat_at = now(), attempt_count = attempt_count + 1
WHERE id IN (SELECT id FROM picked) RETURNING id"""
SQLITE_BATCH_CLAIM = f"""
UPDATE meta_conversion_jobs SET status = 'processing', worker_id = ?, started_at = ?,
  heartbeat_at = ?, attempt_count = attempt_count + 1
WHERE id IN (SELECT id FROM meta_conversion_jobs WHERE status = 'pending' AND scheduled_at <= ?
             ORDER BY priority, created_at LIMIT {BARE_BATCH})
RETURNING id"""


def _enqueue(db: Database, count: int, batch: int) -> float:
    """Seconds to enqueue `count` noop jobs, `batch` per transaction."""
    started = time.perf_counter()
    for first in range(0, count, batch):
        with db.scope() as session:
            for i in range(first, min(count, first + batch)):
                service.create_job(session, "noop", {"i": i})
    return time.perf_counter() - started


def _clear(db: Database) -> None:
    """Remove every job."""
    with db.scope() as session:
        session.query(Job).delete()


def _analyze(db: Database) -> None:
    """Refresh planner statistics, as autovacuum does on a live system."""
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE meta_conversion_jobs")
        conn.commit()


def _completed(db: Database) -> int:
    """How many jobs are completed."""
    with db.scope() as session:
        return session.scalar(select(func.count()).where(Job.status == "completed")) or 0


def _framework_worker(url: str, data_dir: str, ready: Any, go: Any) -> None:
    """A process running one Worker thread until the queue is drained."""
    from yuantus.job.worker import Worker

    db = Database(bench_settings(url, Path(data_dir)))
    worker = Worker(db, concurrency=1, once=True, poll_interval=0.05)
    with db.engine.connect() as conn:  # warm the pool and statement caches before timing
        batch.claim(conn, "warmup", ["no-such-type"], 1)
    ready.release()
    go.wait()
    worker.start()
    worker.join()
    db.dispose()


def _bare_sqlite(url: str) -> sqlite3.Connection:
    """A plain sqlite3 connection set up as the service sets up its own (WAL, NORMAL sync)."""
    conn = sqlite3.connect(url.split("///", 1)[1], isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def _bare_worker(url: str, data_dir: str, ready: Any, go: Any) -> None:
    """A process claiming and completing rows with hand-written SQL."""
    me = f"bare-{uuid.uuid4().hex[:8]}"
    if url.startswith("sqlite"):
        conn = _bare_sqlite(url)
        ready.release()
        go.wait()
        while True:
            now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
            conn.execute("BEGIN IMMEDIATE")
            row = conn.execute(SQLITE_CLAIM, (me, now, now, now)).fetchone()
            conn.execute("COMMIT")
            if row is None:
                break
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(SQLITE_COMPLETE, (now, row[0], me))
            conn.execute("COMMIT")
        conn.close()
        return
    with psycopg.connect(url) as pg:
        ready.release()
        go.wait()
        while True:
            found = pg.execute(PG_CLAIM, (me,)).fetchone()
            pg.commit()
            if found is None:
                break
            pg.execute(PG_COMPLETE, (found[0], me))
            pg.commit()


def _bare_batch_worker(url: str, data_dir: str, ready: Any, go: Any) -> None:
    """A process claiming 32 rows per statement and committing once per batch, bare SQL."""
    me = f"bare-{uuid.uuid4().hex[:8]}"
    if url.startswith("sqlite"):
        conn = _bare_sqlite(url)
        ready.release()
        go.wait()
        while True:
            now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
            conn.execute("BEGIN IMMEDIATE")
            rows = conn.execute(SQLITE_BATCH_CLAIM, (me, now, now, now)).fetchall()
            conn.execute("COMMIT")
            if not rows:
                break
            conn.execute("BEGIN IMMEDIATE")
            for row in rows:
                conn.execute(SQLITE_COMPLETE, (now, row[0], me))
            conn.execute("COMMIT")
        conn.close()
        return
    with psycopg.connect(url) as pg:
        ready.release()
        go.wait()
        while True:
            found = pg.execute(PG_BATCH_CLAIM, (me,)).fetchall()
            pg.commit()
            if not found:
                break
            for row in found:
                pg.execute(PG_COMPLETE, (row[0], me))
            pg.commit()


def _drain(
    db: Database, url: str, data_dir: Path, workers: int, target: Callable[..., None]
) -> float:
    """Seconds for `workers` processes to drain the queue (timed from a common start)."""
    ctx = mp.get_context("spawn")
    ready, go = ctx.Semaphore(0), ctx.Event()
    procs = [
        ctx.Process(target=target, args=(url, str(data_dir), ready, go)) for _ in range(workers)
    ]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.acquire()
    started = time.perf_counter()
    go.set()
    for proc in procs:
        proc.join()
    elapsed = time.perf_counter() - started
    if any(proc.exitcode for proc in procs):
        raise RuntimeError("a benchmark worker failed")
    return elapsed


def _rate(
    db: Database, url: str, data_dir: Path, jobs: int, workers: int, target: Callable[..., None]
) -> float:
    """Jobs/s of `workers` processes of `target` draining a fresh queue of `jobs` noop jobs."""
    _clear(db)
    _enqueue(db, jobs, BATCH)
    _analyze(db)
    elapsed = _drain(db, url, data_dir, workers, target)
    done = _completed(db)
    if done != jobs:
        raise RuntimeError(f"{done} of {jobs} jobs completed")
    return jobs / elapsed


def run_backend(backend: str, jobs: int, admin_url: str) -> list[str]:
    """All figures of one backend, as printable lines."""
    lines = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        throwaway_database(backend, admin_url, Path(tmp), "jobs") as url,
    ):
        data_dir = Path(tmp)
        db = Database(bench_settings(url, data_dir))
        migrate.upgrade(db.engine)
        single = _enqueue(db, jobs // 4, 1)
        lines.append(
            f"{backend:<10} enqueue, 1 per transaction   {jobs // 4 / single:>9,.0f} jobs/s"
        )
        _clear(db)
        batched = _enqueue(db, jobs, BATCH)
        lines.append(
            f"{backend:<10} enqueue, {BATCH} per transaction {jobs / batched:>9,.0f} jobs/s"
        )
        for workers in WORKER_COUNTS:
            bare, ours = (
                _rate(db, url, data_dir, jobs, workers, t)
                for t in (_bare_worker, _framework_worker)
            )
            lines.append(
                f"{backend:<10} end to end, {workers} worker(s)     {ours:>9,.0f} jobs/s"
                f"   bare SQL {bare:>7,.0f} jobs/s   ratio {ours / bare:.2f}"
            )
        batched = _rate(db, url, data_dir, jobs, 2, _bare_batch_worker)
        lines.append(
            f"{backend:<10} bare SQL, batch claim {BARE_BATCH}, 2 workers {batched:>7,.0f} jobs/s"
            "   (comparison only)"
        )
        db.dispose()
    return lines


def main(argv: list[str]) -> int:
    """Run the job queue benchmark and print jobs/s and the ratio to the bare-SQL baseline."""
    parser = argparse.ArgumentParser(prog="python -m bench jobs")
    parser.add_argument("--jobs", type=int, default=4000, help="noop jobs per measurement")
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL)
    args = parser.parse_args(argv)
    for backend in args.backends.split(","):
        for line in run_backend(backend.strip(), args.jobs, args.pg_admin_url):
            print(line, flush=True)
    return 0
