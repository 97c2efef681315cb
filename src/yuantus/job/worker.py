"""Job workers: threads that claim, run and finish jobs, with heartbeats and stale requeue."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from yuantus.core import manifest
from yuantus.core.db import Database
from yuantus.core.rollback import write_in_savepoint
from yuantus.job import batch, observe, service
from yuantus.job.batch import BatchReport as BatchReport
from yuantus.job.config import JobSettings
from yuantus.job.registry import JobFatalError, TaskContext, resolve_task_types
from yuantus.job.registry import UnknownTaskTypes as UnknownTaskTypes

log = logging.getLogger("yuantus.job.worker")


class Worker:
    """N threads running jobs, plus a maintenance thread and (PostgreSQL) a NOTIFY listener."""

    def __init__(
        self,
        db: Database,
        *,
        concurrency: int = 1,
        task_types: list[str] | None = None,
        once: bool = False,
        poll_interval: float = 1.0,
        config: JobSettings | None = None,
        on_batch: Callable[[batch.BatchReport], None] | None = None,
    ) -> None:
        # without the manifests this worker would miss task types and ECO gates alike
        manifest.require_loaded("a job worker")
        # claim only what this process can run: a job is never failed for a missing handler
        self.task_types = resolve_task_types(task_types)
        self.db = db
        self.concurrency = concurrency
        self.once = once
        self.poll_interval = poll_interval
        self.config = config or JobSettings()
        self.on_batch = on_batch
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.completed = 0
        self.failed = 0
        self._stop = threading.Event()
        self._slots_done = threading.Event()
        self._wake = threading.Condition()
        self._wake_generation = 0
        self._lock = threading.Lock()
        self._running: dict[str, batch.ClaimedJob] = {}
        self.pacer = batch.Pacer(self.config)
        self._slots: list[threading.Thread] = []
        self._helpers: list[threading.Thread] = []

    def start(self) -> None:
        """Start the job threads and the helper threads."""
        if self.once:
            self._requeue_stale()
        for i in range(self.concurrency):
            slot = threading.Thread(
                target=self._run_slot, args=(f"{self.name}/{i}",), name=f"job-{i}", daemon=True
            )
            self._slots.append(slot)
        self._helpers.append(threading.Thread(target=self._maintain, name="job-maint", daemon=True))
        if self.db.dialect == "postgresql" and not self.once:
            self._helpers.append(
                threading.Thread(target=self._listen, name="job-listen", daemon=True)
            )
        for thread in (*self._slots, *self._helpers):
            thread.start()
        log.info("%s", self.describe())

    def describe(self) -> str:
        """The start line: name, task types, concurrency and database (password masked)."""
        url = self.db.engine.url.render_as_string(hide_password=True)
        return (
            f"worker {self.name}: task types {', '.join(self.task_types)};"
            f" concurrency {self.concurrency}; database {url}"
        )

    def counts(self) -> tuple[int, int]:
        """Jobs completed and failed by this worker so far."""
        with self._lock:
            return self.completed, self.failed

    def request_stop(self) -> None:
        """Claim nothing new; running jobs finish."""
        self._stop.set()
        self.wake()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the job threads to end; True when all have."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for slot in self._slots:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            slot.join(left)
        done = not any(slot.is_alive() for slot in self._slots)
        if done:
            self._slots_done.set()
            for helper in self._helpers:
                helper.join(5)
        return done

    def stop(self, timeout: float | None = 30.0) -> bool:
        """Stop gracefully: running jobs finish (up to the timeout); True when all ended."""
        self.request_stop()
        return self.join(timeout)

    def wake(self) -> None:
        """Wake idle job threads to claim now."""
        with self._wake:
            self._wake_generation += 1
            self._wake.notify_all()

    def _idle_wait(self, seen_generation: int) -> None:
        """Sleep up to the poll interval, or until woken after `seen_generation`."""
        with self._wake:
            self._wake.wait_for(
                lambda: self._wake_generation != seen_generation or self._stop.is_set(),
                timeout=self.poll_interval,
            )

    def _run_slot(self, worker_id: str) -> None:
        """One job thread: keeps one connection (no pool round trips per job), reconnects."""
        while not self._stop.is_set():
            try:
                with self.db.engine.connect() as conn:
                    self._claim_loop(conn, worker_id)
                return
            except Exception:
                log.exception("job thread %s: database error; reconnecting", worker_id)
                self._stop.wait(self.poll_interval)

    def _claim_loop(self, conn: Connection, worker_id: str) -> None:
        """Claim a batch, run it, repeat until stopped (or, with once, until nothing is due)."""
        limit = 1
        while not self._stop.is_set():
            seen = self._wake_generation  # read before claiming so no wake-up is missed
            jobs = batch.claim(conn, worker_id, self.task_types, limit)
            if not jobs:
                if self.once:
                    return
                self._idle_wait(seen)
                continue
            with self._lock:
                # claimed but not started yet counts as running: heart-beaten, and requeued
                # by stale detection elsewhere if this process dies
                self._running.update((job.id, job) for job in jobs)
            started = time.perf_counter()
            try:
                completed, failed = self._run_batch(conn, jobs)
            finally:
                with self._lock:
                    for job in jobs:
                        self._running.pop(job.id, None)
            if self.on_batch is not None:
                self.on_batch(
                    batch.BatchReport(
                        worker_id=worker_id,
                        claimed=len(jobs),
                        completed=completed,
                        failed=failed,
                        seconds=time.perf_counter() - started,
                        task_types=dict(Counter(job.task_type for job in jobs)),
                    )
                )
            limit = self.pacer.next_limit(limit)

    def _run_batch(self, conn: Connection, jobs: list[batch.ClaimedJob]) -> tuple[int, int]:
        """Run a claimed batch: quick jobs share a transaction, the others get their own.

        Answers how many of its jobs completed and failed (the rest were released or lost).
        """
        group = batch.Group(conn, self.pacer.interval)
        completed = failed = 0

        def add(outcome: tuple[int, int]) -> None:
            nonlocal completed, failed
            completed, failed = completed + outcome[0], failed + outcome[1]

        try:
            for index, job in enumerate(jobs):
                if self._stop.is_set():
                    # stopping: what never started goes back to the queue, not attempted
                    batch.release(group.begin(), jobs[index:])
                    break
                if self.pacer.is_quick(job.task_type):
                    self._run_grouped(group, job)
                    if group.due():
                        add(self._commit(group))
                else:
                    add(self._commit(group))
                    add(self._run_alone(conn, job))
            add(self._commit(group))
        finally:
            group.close()
        return completed, failed

    def _commit(self, group: batch.Group) -> tuple[int, int]:
        """Commit the shared transaction: its jobs' effects and outcomes become visible."""
        completed, failed = group.commit()
        if completed or failed:
            with self._lock:
                self.completed += completed
                self.failed += failed
        return completed, failed

    def _context(self, job: batch.ClaimedJob, session: Session) -> TaskContext:
        """The handler's view of its job."""
        ctx = TaskContext(
            payload=job.payload,
            session=session,
            job_id=job.id,
            attempt=job.attempt_count,
            settings=self.db.settings,
            task_type=job.task_type,
            worker_id=job.worker_id,
        )
        ctx.report_progress = lambda data: self._progress(ctx, data)
        return ctx

    def _run_grouped(self, group: batch.Group, job: batch.ClaimedJob) -> None:
        """Run a quick job in the shared transaction, its writes inside a SAVEPOINT."""
        handler = batch.handler_of(job)
        started = time.perf_counter()
        with group.job_session() as session:
            try:
                result = batch.checked_result(handler(self._context(job, session)))
                if session.in_transaction():
                    # the completion joins the handler's savepoint: both stay or both go
                    session.flush()
                    batch.complete(session.connection(), job, result)
                    session.commit()  # releases the savepoint; the batch commit publishes
                else:
                    # the handler wrote nothing: no savepoint needed (one round trip less)
                    batch.complete(group.conn, job, result)
                group.completed += 1
                outcome = "completed"
            except Exception as exc:
                session.rollback()  # back to this job's savepoint; neighbours keep their work
                outcome = observe.failure_outcome(job, exc)
                if self._finish_failed(session, job, exc):
                    group.failed += 1
                else:
                    outcome = "lost"
        self._observe(job, outcome, time.perf_counter() - started)

    def _run_alone(self, conn: Connection, job: batch.ClaimedJob) -> tuple[int, int]:
        """Run a job in its own transaction; its writes and its completion commit together."""
        handler = batch.handler_of(job)
        started = time.perf_counter()
        outcome = (0, 0)
        with Session(bind=conn, expire_on_commit=False) as session:
            try:
                result = batch.checked_result(handler(self._context(job, session)))
                session.flush()
                batch.complete(session.connection(), job, result)
                session.commit()
                outcome, name = (1, 0), "completed"
            except Exception as exc:
                session.rollback()
                name = observe.failure_outcome(job, exc)
                if self._finish_failed(session, job, exc):
                    outcome = (0, 1)
                else:
                    name = "lost"
        with self._lock:
            self.completed += outcome[0]
            self.failed += outcome[1]
        self._observe(job, name, time.perf_counter() - started)
        return outcome

    def _observe(self, job: batch.ClaimedJob, outcome: str, seconds: float) -> None:
        """Pace, count and log one finished attempt (a grouped one: before its batch commits)."""
        self.pacer.record(job.task_type, seconds)
        observe.finished(job, outcome, seconds)

    def _finish_failed(self, session: Session, job: batch.ClaimedJob, exc: Exception) -> bool:
        """After the handler's rollback: the error's after-rollback writes and the failure.

        Both go into one fresh transaction (a savepoint of the shared one for a grouped
        job), so the job is never marked failed without the records its error carried.
        """
        write_in_savepoint(session, exc, where=f"job {job.id} ({job.task_type})")
        if self._record_failure(session.connection(), job, exc):
            session.commit()
            return True
        session.rollback()  # the job was lost: another worker runs it, with its writes
        return False

    def _record_failure(self, conn: Connection, job: batch.ClaimedJob, exc: Exception) -> bool:
        """Write a handler's failure in the caller's transaction; False when the job was lost."""
        if isinstance(exc, service.JobLost):
            log.warning("job %s was taken from %s; its work is discarded", job.id, job.worker_id)
            return False
        if isinstance(exc, JobFatalError):
            error, retry = str(exc) or type(exc).__name__, False
        else:
            log.info("job %s (%s) failed: %s", job.id, job.task_type, exc, exc_info=exc)
            error, retry = f"{type(exc).__name__}: {exc}", True
        try:
            batch.fail(conn, job, error, retry=retry, config=self.config)
        except service.JobLost:
            log.warning("job %s was taken from %s before its failure was recorded", job.id, error)
            return False
        return True

    def _progress(self, ctx: TaskContext, data: dict[str, Any]) -> None:
        """Publish progress now, in a short transaction of its own."""
        bind = ctx.session.get_bind()
        shared = isinstance(bind, Connection) and bind.in_transaction()
        if self.db.dialect == "sqlite" and (shared or ctx.session.in_transaction()):
            # SQLite has one writer: the thread's open transaction would block a second one
            service.update_progress(ctx.session, ctx.job_id, data)
            return
        with self.db.scope() as session:
            service.update_progress(session, ctx.job_id, data)

    def _maintain(self) -> None:
        """Heartbeat running jobs and requeue stale ones until the job threads end."""
        next_beat = time.monotonic() + self.config.heartbeat_interval
        next_sweep = time.monotonic() + (0 if not self.once else self.config.stale_check_interval)
        while True:
            now = time.monotonic()
            if now >= next_beat:
                self._heartbeat()
                next_beat = now + self.config.heartbeat_interval
            if now >= next_sweep and not self._stop.is_set():
                self._requeue_stale()
                next_sweep = now + self.config.stale_check_interval
            tick = max(0.01, min(next_beat, next_sweep) - time.monotonic())
            if self._slots_done.wait(min(tick, 0.5)) or not any(s.is_alive() for s in self._slots):
                return

    def _heartbeat(self) -> None:
        """Refresh the heartbeat of every job running in this process."""
        with self._lock:
            running = list(self._running.values())
        if not running:
            return
        try:
            with self.db.scope() as session:
                service.heartbeat(session, running)
        except Exception:
            log.exception("heartbeat failed")

    def _requeue_stale(self) -> None:
        """Give jobs of dead workers back to the queue."""
        try:
            with self.db.scope() as session:
                count = service.requeue_stale(session, self.config.stale_timeout)
        except Exception:
            log.exception("stale requeue failed")
            return
        if count:
            log.warning("requeued or failed %d stale jobs", count)
            self.wake()

    def _listen(self) -> None:
        """LISTEN for enqueued jobs and wake idle threads; polling covers any gap."""
        import psycopg

        conninfo = self.db.engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        while not self._stop.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {service.NOTIFY_CHANNEL}")
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=0.5, stop_after=1):
                            self.wake()
            except psycopg.Error:
                log.warning("LISTEN connection lost; reconnecting", exc_info=True)
                self._stop.wait(self.poll_interval)
