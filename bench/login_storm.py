"""Reads beside a storm of wrong-password logins: python -m bench login_storm [--backend B].

Measures GET /auth/me latency (p50/p95/max) alone, then while N clients send wrong passwords
for a user whose hash has the production argon2 cost; reports failed requests (5xx).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import threading
import time
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from bench.common import PG_ADMIN_URL, bench_settings, throwaway_database
from yuantus.app import create_app
from yuantus.core import migrate
from yuantus.core.db import Database
from yuantus.core.security import create_access_token
from yuantus.identity import service


def _reads(client: TestClient, headers: dict[str, str], seconds: float) -> tuple[list[float], int]:
    """GET /auth/me in a loop for `seconds`: latencies and the count of non-200 answers."""
    times: list[float] = []
    failed = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        started = time.perf_counter()
        status = client.get("/api/v1/auth/me", headers=headers).status_code
        times.append(time.perf_counter() - started)
        failed += status != 200
    return times, failed


def _line(name: str, times: list[float], failed: int) -> str:
    q = statistics.quantiles(times, n=100)
    return (
        f"{name:<22} n={len(times):>5}  p50={q[49] * 1000:7.1f} ms  p95={q[94] * 1000:7.1f} ms"
        f"  max={max(times) * 1000:7.1f} ms  failed={failed}"
    )


def run(url: str, data_dir: Path, clients: int, seconds: float) -> list[str]:
    """Both phases on one database; the report lines."""
    settings = bench_settings(url, data_dir)
    # the storm must be hashed, not refused (the attribute check lets the script measure an
    # older checkout without throttling, for comparison)
    if hasattr(settings, "login_free_attempts_per_user"):
        settings.login_free_attempts_per_user = 100_000
        settings.login_free_attempts_per_address = 100_000
    database = Database(settings)
    migrate.upgrade(database.engine)
    with database.scope() as s:
        reader = service.create_user(s, "reader", None, roles=["viewer"])
        victim = service.create_user(s, "victim", None, roles=["viewer"])
        victim.password_hash = PasswordHasher().hash("the-right-password")
    token, _ = create_access_token(reader.id, settings.secrets.jwt_secret, 60)
    headers = {"Authorization": f"Bearer {token}"}
    out = []
    app = create_app(settings, database=database)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with TestClient(app) as client:
        out.append(_line("reads alone", *_reads(client, headers, seconds)))
        stop = threading.Event()
        statuses: list[int] = []

        def storm() -> None:
            while not stop.is_set():
                body = {"username": "victim", "password": "wrong-password"}
                statuses.append(client.post("/api/v1/auth/login", json=body).status_code)

        threads = [threading.Thread(target=storm) for _ in range(clients)]
        for t in threads:
            t.start()
        times, failed = _reads(client, headers, seconds)
        stop.set()
        for t in threads:
            t.join()
        out.append(_line(f"reads + {clients} bad logins", times, failed))
        bad = sum(s >= 500 for s in statuses)
        out.append(f"logins: {len(statuses)} answered, {bad} 5xx, statuses {sorted(set(statuses))}")
    database.dispose()
    return out


def main(argv: list[str]) -> int:
    """Parse the arguments, run, print."""
    parser = argparse.ArgumentParser(prog="python -m bench login_storm")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with throwaway_database(args.backend, PG_ADMIN_URL, work, "login") as url:
            for line in run(url, work / "data", args.clients, args.seconds):
                print(line)
    return 0
