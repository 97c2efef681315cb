"""Helpers of the job tests: test task types, worker subprocesses, waiting."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import ENCRYPTION_KEY, JWT_SECRET, TEST_DOMAINS
from yuantus.core.settings import Settings

REPO = Path(__file__).resolve().parents[2]
TEST_TASKS = "tests.job.tasks_for_tests"


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0, step: float = 0.05) -> None:
    """Poll until the predicate holds; fail the test on timeout."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout}s")
        time.sleep(step)


def worker_env(settings: Settings, **job_settings: float) -> dict[str, str]:
    """Environment of a `yuantus worker` subprocess on the test database."""
    env = dict(os.environ)
    env.update(
        YUANTUS_DATABASE_URL=settings.resolved_database_url,
        YUANTUS_JWT_SECRET=JWT_SECRET,
        YUANTUS_ENCRYPTION_KEYS=ENCRYPTION_KEY,
        YUANTUS_DATA_DIR=str(settings.data_dir),
        # the same extra domains as the test process: same task types, same hooks
        YUANTUS_EXTRA_DOMAINS=",".join(TEST_DOMAINS),
        YUANTUS_LOG_LEVEL="WARNING",
        PYTHONPATH=str(REPO),
    )
    env.update({f"YUANTUS_JOB_{k.upper()}": str(v) for k, v in job_settings.items()})
    return env


@pytest.fixture
def spawn_worker(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start `yuantus worker` subprocesses; any still running at the end are killed."""
    procs: list[subprocess.Popen[bytes]] = []

    def spawn(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"worker-{len(procs)}.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-c", "from yuantus.cli import app; app()", "worker", *args],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        procs.append(proc)
        return proc

    yield spawn
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


def lines(path: Path) -> list[list[str]]:
    """The execution records of a test task file."""
    if not path.exists():
        return []
    return [line.split() for line in path.read_text().splitlines()]


from tests.cli_harness import cli as cli  # noqa: E402 - the `yuantus` command on the test database
