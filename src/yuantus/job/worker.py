"""Job workers: threads that claim, run and finish jobs, with heartbeats and stale requeue."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable
from types import FrameType
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from yuantus.core.db import Database
from yuantus.core.settings import Settings
from yuantus.job import service
from yuantus.job.config import JobSettings
from yuantus.job.models import Job
from yuantus.job.registry import (
    JobFatalError,
    TaskContext,
    get_handler,
    load_task_modules,
    registered_task_types,
)

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
    ) -> None:
        load_task_modules()
        known = registered_task_types()
        unknown = sorted(set(task_types or ()) - set(known))
        if unknown:
            raise ValueError(f"no handler for task types {unknown}; known: {known}")
        # claim only what this process can run: a job is never failed for a missing handler
        self.task_types = sorted(set(task_types)) if task_types else known
        self.db = db
        self.concurrency = concurrency
        self.once = once
        self.poll_interval = poll_interval
        self.config = config or JobSettings()
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.completed = 0
        self.failed = 0
        self._stop = threading.Event()
        self._slots_done = threading.Event()
        self._wake = threading.Condition()
        self._wake_generation = 0
        self._lock = threading.Lock()
        self._running: dict[str, Job] = {}
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
        log.info(
            "worker %s: %d threads, task types %s", self.name, self.concurrency, self.task_types
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
        """Claim, run, repeat until stopped (or, with once, until nothing is due)."""
        while not self._stop.is_set():
            seen = self._wake_generation  # read before claiming so no wake-up is missed
            with Session(bind=conn, expire_on_commit=False) as session:
                job = service.claim(session, worker_id, self.task_types)
                session.commit()
            if job is None:
                if self.once:
                    return
                self._idle_wait(seen)
                continue
            self._execute(conn, job)

    def _execute(self, conn: Connection, job: Job) -> None:
        """Run the job's handler in its own session; complete in that same transaction."""
        handler = get_handler(job.task_type)
        assert handler is not None  # claimed only among registered task types
        with self._lock:
            self._running[job.id] = job
        session = Session(bind=conn, expire_on_commit=False)
        ctx = TaskContext(
            payload=job.payload,
            session=session,
            job_id=job.id,
            attempt=job.attempt_count,
            settings=self.db.settings,
            task_type=job.task_type,
            worker_id=job.worker_id or "",
            report_progress=lambda data: self._progress(ctx, data),
        )
        try:
            result = _checked_result(handler(ctx))
            # the handler's writes and the completion commit together, or not at all
            service.complete(session, job, result)
            session.commit()
            with self._lock:
                self.completed += 1
        except service.JobLost:
            session.rollback()
            log.warning("job %s was taken from %s; its work is discarded", job.id, job.worker_id)
        except JobFatalError as exc:
            session.rollback()
            self._fail(job, str(exc) or type(exc).__name__, retry=False)
        except Exception as exc:
            session.rollback()
            log.info("job %s (%s) failed: %s", job.id, job.task_type, exc, exc_info=True)
            self._fail(job, f"{type(exc).__name__}: {exc}", retry=True)
        finally:
            session.close()
            with self._lock:
                self._running.pop(job.id, None)

    def _fail(self, job: Job, error: str, *, retry: bool) -> None:
        """Record the failure in a fresh transaction."""
        try:
            with self.db.scope() as session:
                service.fail(session, job, error, retry=retry, config=self.config)
            with self._lock:
                self.failed += 1
        except service.JobLost:
            log.warning("job %s was taken from %s before its failure was recorded", job.id, error)
        except Exception:
            log.exception("could not record the failure of job %s; stale requeue will", job.id)

    def _progress(self, ctx: TaskContext, data: dict[str, Any]) -> None:
        """Publish progress now, in a short transaction of its own."""
        if self.db.dialect == "sqlite" and ctx.session.in_transaction():
            # SQLite has one writer: the handler's open transaction would block a second one
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


def _checked_result(result: object) -> dict[str, Any] | None:
    """A handler's return value when it can be stored as the job result."""
    if result is None:
        return None
    if not isinstance(result, dict):
        raise JobFatalError(f"handler returned {type(result).__name__}, not a dict or None")
    try:
        json.dumps(result)
    except (TypeError, ValueError) as exc:
        raise JobFatalError(f"handler result is not JSON-serializable: {exc}") from exc
    return result


def start_embedded_worker(db: Database, settings: Settings) -> Callable[[], None]:
    """Start a worker thread inside the API process; answers a function that stops it."""
    worker = Worker(db, concurrency=1, poll_interval=1.0)
    worker.start()

    def stop() -> None:
        if not worker.stop(timeout=30):
            log.warning("embedded worker: jobs still running at shutdown; they will be requeued")

    return stop


def run_worker(
    db: Database,
    *,
    concurrency: int,
    task_types: list[str] | None,
    once: bool,
    poll_interval: float,
    config: JobSettings | None = None,
) -> None:
    """Run workers until stopped (SIGTERM/SIGINT finish running jobs) or, with once, drained."""
    worker = Worker(
        db,
        concurrency=concurrency,
        task_types=task_types,
        once=once,
        poll_interval=poll_interval,
        config=config,
    )
    restore = _install_signal_handlers(worker)
    worker.start()
    try:
        while not worker.join(timeout=0.5):
            pass
    finally:
        restore()
    log.info("worker %s stopped: %d completed, %d failed", worker.name, *worker.counts())


def _install_signal_handlers(worker: Worker) -> Callable[[], None]:
    """SIGTERM/SIGINT stop gracefully; a second signal gets the default (immediate) behaviour."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.warning("signal %d: finishing running jobs, claiming nothing new", signum)
        restore()
        worker.request_stop()

    for sig in previous:
        signal.signal(sig, on_signal)
    return restore
