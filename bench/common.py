"""What every benchmark needs: a throwaway database and settings pointing at it."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from cryptography.fernet import Fernet

from yuantus.core.settings import Settings

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# a real Fernet key: benchmarks that store secrets (webhooks) encrypt with it
BENCH_KEY = Fernet.generate_key().decode()


def bench_settings(url: str, data_dir: Path) -> Settings:
    """Settings for a throwaway benchmark database."""
    return Settings(
        database_url=url,
        data_dir=data_dir,
        jwt_secret="bench-secret-" + "x" * 32,
        encryption_keys=[BENCH_KEY],
        db_pool_size=4,
    )


@contextmanager
def throwaway_database(backend: str, admin_url: str, workdir: Path, tag: str) -> Iterator[str]:
    """A fresh database URL for the run (a SQLite file, or a PostgreSQL database), dropped after."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / f'bench-{tag}.db'}"
        return
    name = f"yuantus_bench_{tag}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{admin_url.rsplit('/', 1)[0]}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    """The median wall time of `repeat` calls, after one warm-up call (caches, statements)."""
    fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)
