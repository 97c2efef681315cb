"""Running workers: the `yuantus worker` process (signals, start line) and the embedded one."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

from yuantus.core import logging_json
from yuantus.core.db import Database
from yuantus.core.settings import Settings
from yuantus.job.config import JobSettings
from yuantus.job.worker import BatchReport, Worker

log = logging.getLogger("yuantus.job.worker")


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
    announce: Callable[[str], None] | None = None,
    on_batch: Callable[[BatchReport], None] | None = None,
) -> Worker:
    """Run workers until stopped (SIGTERM/SIGINT finish running jobs) or, with once, drained.

    `announce` gets the start and stop lines, `on_batch` a report per completed batch.
    """
    if db.settings.log_format == "json":
        # a standalone worker has no handler of its own: its job lines go to stderr as JSON
        logging_json.setup_json_process(db.settings.log_level)
    worker = Worker(
        db,
        concurrency=concurrency,
        task_types=task_types,
        once=once,
        poll_interval=poll_interval,
        config=config,
        on_batch=on_batch,
    )
    if announce is not None:
        announce(worker.describe())
    restore = _install_signal_handlers(worker)
    worker.start()
    try:
        while not worker.join(timeout=0.5):
            pass
    finally:
        restore()
    completed, failed = worker.counts()
    log.info("worker %s stopped: %d completed, %d failed", worker.name, completed, failed)
    if announce is not None:
        announce(f"worker {worker.name} stopped: {completed} completed, {failed} failed")
    return worker


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
