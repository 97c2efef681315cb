"""The API under load: python -m bench api [--workers 2] [--seconds 3] [--clients 1,8,32].

Starts real uvicorn servers with N worker processes on a throwaway PostgreSQL database:
Yuantus (`uvicorn --factory yuantus.app:create_app`) and, as the baseline, a bare Starlette
app answering a fixed JSON document. For each endpoint and number of concurrent clients
(httpx async, keep-alive), it measures requests/s and p50/p95/p99 for `--seconds`, and
counts failed answers (5xx, timeouts, a wrong status). The login storm sends wrong
passwords (argon2 at its production cost); its last row reads items while 8 storm clients
run beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import select

from bench.bom import build
from bench.common import PG_ADMIN_URL, bench_settings, throwaway_database
from yuantus.core import migrate
from yuantus.core.db import Database
from yuantus.core.security import create_access_token
from yuantus.eco import service as eco_service
from yuantus.identity import service as identity_service
from yuantus.item.models import Item

ROOT = Path(__file__).resolve().parent.parent
JWT_SECRET = "bench-secret-" + "x" * 32
# (sub-assemblies, their children, leaves): 5 + 25 + 100 = 130 BOM lines, 131 items
FANOUT = [5, 5, 4]
ECOS = 60
# each API worker: enough connections for every request thread; 2 workers x 24 < 100
POOL_SIZE, MAX_OVERFLOW = 16, 8
Maker = Callable[[httpx.AsyncClient, random.Random], Awaitable[httpx.Response]]


@dataclass
class Seeded:
    """What the requests need: ids, a token, the top assembly."""

    url: str
    top: str
    item_ids: list[str]
    token: str


@dataclass
class Cell:
    """One endpoint at one concurrency: latencies of answered requests, failures."""

    times: list[float] = field(default_factory=list)
    failed: int = 0
    seconds: float = 0.0
    # answers of the storm beside the measured loops that were not the expected 401
    storm_failed: int = 0

    def line(self, name: str, clients: int, baseline: float | None) -> str:
        """A report row."""
        rate = len(self.times) / self.seconds if self.seconds else 0.0
        q = statistics.quantiles(self.times, n=100) if len(self.times) > 1 else [0.0] * 99
        ratio = f"{rate / baseline:6.3f}" if baseline else "     -"
        return (
            f"| {name:<34} | {clients:>3} | {rate:8.1f} | {q[49] * 1000:7.1f} | "
            f"{q[94] * 1000:7.1f} | {q[98] * 1000:7.1f} | {self.failed:>4} | {ratio} |"
        )

    @property
    def rate(self) -> float:
        """Answered requests per second."""
        return len(self.times) / self.seconds if self.seconds else 0.0


def seed(url: str, data_dir: Path) -> Seeded:
    """Migrate, insert the BOM, users and ECOs; a JWT of a viewer."""
    settings = bench_settings(url, data_dir)
    db = Database(settings)
    migrate.upgrade(db.engine)
    product = build(db, FANOUT)
    with db.scope() as s:
        viewer = identity_service.create_user(s, "bench", "bench-password-1", roles=["viewer"])
        engineer = identity_service.create_user(s, "bench-eng", None, roles=["engineer"])
        for n in range(ECOS):
            eco_service.create_eco(
                s, name=f"Bench change {n}", eco_type="bom", product_id=product.top_a, user=engineer
            )
        ids = list(s.scalars(select(Item.id).where(Item.state == "Released")))
    token, _ = create_access_token(viewer.id, JWT_SECRET, 24 * 60)
    db.dispose()
    return Seeded(url, product.top_a, ids, token)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _serve(
    target: list[str], env: dict[str, str], port: int, log: Path, probe: str
) -> subprocess.Popen[bytes]:
    """uvicorn with the arguments in its own process group, once `probe` answers."""
    cmd = [sys.executable, "-m", "uvicorn", *target, "--port", str(port), "--no-access-log"]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited; see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}{probe}", timeout=2).is_success:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.terminate()
    raise RuntimeError(f"the server did not answer {probe} within 90 s; see {log}")


def _yuantus_env(url: str, data_dir: Path) -> dict[str, str]:
    return dict(
        os.environ,
        YUANTUS_DATABASE_URL=url,
        YUANTUS_DATA_DIR=str(data_dir),
        YUANTUS_JWT_SECRET=JWT_SECRET,
        YUANTUS_ENCRYPTION_KEYS=bench_settings(url, data_dir).encryption_keys[0],
        YUANTUS_LOG_LEVEL="WARNING",
        YUANTUS_DB_POOL_SIZE=str(POOL_SIZE),
        YUANTUS_DB_MAX_OVERFLOW=str(MAX_OVERFLOW),
        # the storm must be hashed, not refused: throttling has its own tests
        YUANTUS_LOGIN_FREE_ATTEMPTS_PER_USER="1000",
        YUANTUS_LOGIN_FREE_ATTEMPTS_PER_ADDRESS="100000",
    )


async def _load(
    base: str,
    headers: dict[str, str],
    make: Maker,
    expect: int,
    clients: int,
    seconds: float,
    beside: int = 0,
) -> Cell:
    """`clients` loops of one request for `seconds` (plus `beside` storm loops, not measured)."""
    cell = Cell()
    limits = httpx.Limits(
        max_connections=clients + beside, max_keepalive_connections=clients + beside
    )
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as http:
        began = time.perf_counter()
        end = began + seconds

        async def loop(n: int) -> None:
            rng = random.Random(n)
            while time.perf_counter() < end:
                started = time.perf_counter()
                try:
                    answer = await make(http, rng)
                    ok = answer.status_code == expect
                except httpx.HTTPError:
                    ok = False
                if ok:
                    cell.times.append(time.perf_counter() - started)
                else:
                    cell.failed += 1

        async def storm(n: int) -> None:
            rng = random.Random(1000 + n)
            while time.perf_counter() < end:
                try:
                    answer = await _wrong_login(http, rng)
                    cell.storm_failed += answer.status_code != 401
                except httpx.HTTPError:
                    cell.storm_failed += 1

        await asyncio.gather(*(loop(n) for n in range(clients)), *(storm(n) for n in range(beside)))
        # requests started inside the window finish after it: divide by the time they took
        cell.seconds = time.perf_counter() - began
    return cell


def _wrong_login(http: httpx.AsyncClient, rng: random.Random) -> Awaitable[httpx.Response]:
    # 50 names in turn: each stays under its per-user allowance over the whole run
    body = {"username": f"ghost-{rng.randrange(50)}", "password": "not-the-password"}
    return http.post("/api/v1/auth/login", json=body)


def endpoints(seeded: Seeded) -> list[tuple[str, Maker, int]]:
    """(name, request maker, expected status) of every measured endpoint."""
    ids = seeded.item_ids
    return [
        ("item read", lambda h, r: h.get(f"/api/v1/items/{r.choice(ids)}"), 200),
        (
            "item search",
            lambda h, r: h.get(
                "/api/v1/items", params={"q": f"TOP-{r.randrange(5)}-{r.randrange(5)}", "limit": 20}
            ),
            200,
        ),
        ("BOM tree (130 lines)", lambda h, r: h.get(f"/api/v1/bom/{seeded.top}/tree"), 200),
        ("ECO list", lambda h, r: h.get("/api/v1/eco", params={"limit": 20}), 200),
        ("login storm (wrong password)", _wrong_login, 401),
    ]


def run(args: argparse.Namespace, workdir: Path) -> list[str]:
    """Seed, start both servers, measure every cell; the report lines."""
    concurrency = [int(c) for c in args.clients.split(",")]
    with throwaway_database("postgresql", args.pg_admin_url, workdir, "api") as url:
        seeded = seed(url.replace("postgresql://", "postgresql+psycopg://"), workdir)
        log = workdir / "server.log"
        workers = ["--workers", str(args.workers)]
        base_port, api_port = _free_port(), _free_port()
        procs = [
            _serve(
                ["bench.api_baseline:app", *workers], dict(os.environ), base_port, log, "/fixed"
            ),
            _serve(
                ["--factory", "yuantus.app:create_app", *workers],
                _yuantus_env(seeded.url, workdir),
                api_port,
                log,
                "/api/v1/health/ready",
            ),
        ]
        try:
            return asyncio.run(_measure(args, seeded, concurrency, base_port, api_port))
        finally:
            for proc in procs:
                os.killpg(proc.pid, 15)
                proc.wait(30)


async def _measure(
    args: argparse.Namespace, seeded: Seeded, concurrency: list[int], base_port: int, api_port: int
) -> list[str]:
    base, api = f"http://127.0.0.1:{base_port}", f"http://127.0.0.1:{api_port}"
    auth = {"Authorization": f"Bearer {seeded.token}"}
    out = [
        f"{args.workers} uvicorn workers each; PostgreSQL; {args.seconds:g} s per cell; "
        f"ratio = requests/s against the bare Starlette baseline at the same concurrency",
        "",
        "| endpoint | clients | req/s | p50 ms | p95 ms | p99 ms | failed | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    baseline: dict[int, float] = {}
    for clients in concurrency:
        cell = await _load(base, {}, lambda h, r: h.get("/fixed"), 200, clients, args.seconds)
        baseline[clients] = cell.rate
        out.append(cell.line("baseline: Starlette fixed JSON", clients, None))
    for name, make, expect in endpoints(seeded):
        for clients in concurrency:
            headers = {} if expect == 401 else auth
            cell = await _load(api, headers, make, expect, clients, args.seconds)
            out.append(cell.line(name, clients, baseline[clients]))
    read = endpoints(seeded)[0][1]
    for clients in concurrency:
        cell = await _load(api, auth, read, 200, clients, args.seconds, beside=8)
        out.append(cell.line("item read, 8 storm clients beside", clients, baseline[clients]))
        if cell.storm_failed:
            out.append(f"  (storm beside: {cell.storm_failed} answers other than 401)")
    return out


def main(argv: list[str]) -> int:
    """Parse the arguments, run, print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench api")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--seconds", type=float, default=3.0, help="per cell")
    parser.add_argument("--clients", default="1,8,32", help="concurrent clients per cell")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="yuantus-bench-api-") as tmp:
        for line in run(args, Path(tmp)):
            print(line, flush=True)
    return 0
