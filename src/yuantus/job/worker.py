"""Job workers (filled in by the job-queue issue)."""

from __future__ import annotations

from collections.abc import Callable

from yuantus.core.db import Database
from yuantus.core.settings import Settings


def start_embedded_worker(db: Database, settings: Settings) -> Callable[[], None]:
    """Start a worker thread inside the API process; answers a function that stops it."""
    raise NotImplementedError("job worker not built yet")


def run_worker(
    db: Database,
    *,
    concurrency: int,
    task_types: list[str] | None,
    once: bool,
    poll_interval: float,
) -> None:
    """Run workers until stopped."""
    raise NotImplementedError("job worker not built yet")
