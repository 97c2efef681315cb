"""Read load on SQLite: 8 clients GET a BOM tree from `yuantus start`, idle and while the
embedded worker drains noop jobs; read requests in deferred vs IMMEDIATE transactions.

python -m bench reads [--clients 8] [--fanout 10,10,10] [--jobs 5000] [--seconds 15]
                      [--modes deferred,immediate]
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.bom import build
from bench.common import bench_settings
from yuantus.core import migrate
from yuantus.core.db import Database
from yuantus.core.security import create_access_token
from yuantus.identity import service as identity_service
from yuantus.job import service as job_service

ROOT = Path(__file__).resolve().parent.parent
JWT_SECRET = "bench-secret-" + "x" * 32
ENQUEUE_BATCH = 500


@dataclass
class Sample:
    """One request: when it ended, how long it took, whether it answered 200."""

    ended: float
    seconds: float
    ok: bool


class Load:
    """Client threads GETting one URL in a loop until stopped, recording every request."""

    def __init__(self, url: str, token: str, clients: int) -> None:
        self.url, self.token = url, token
        self.samples: list[Sample] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run) for _ in range(clients)]

    def start(self) -> None:
        """Start the clients."""
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop the clients after their current request."""
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(headers=headers, timeout=120) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                try:
                    ok = client.get(self.url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                ended = time.perf_counter()
                with self._lock:
                    self.samples.append(Sample(ended, ended - started, ok))

    def window(self, start: float, end: float) -> list[Sample]:
        """The requests that ended inside [start, end]."""
        with self._lock:
            return [s for s in self.samples if start <= s.ended <= end]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _prepare(data_dir: Path, fanout: list[int]) -> tuple[str, str, str]:
    """Database file with the BOM and a viewer: the URL, the top item id and a JWT."""
    url = f"sqlite:///{data_dir / 'yuantus.db'}"
    db = Database(bench_settings(url, data_dir))
    migrate.upgrade(db.engine)
    product = build(db, fanout)
    with db.scope() as s:
        user = identity_service.create_user(s, "bench", "bench-password-1", roles=["viewer"])
    token, _ = create_access_token(user.id, JWT_SECRET, 24 * 60)
    db.dispose()
    return url, product.top_a, token


def _server(url: str, data_dir: Path, port: int, mode: str, log: Path) -> subprocess.Popen[bytes]:
    """`yuantus start` (embedded worker) in its own process, answering /health."""
    env = dict(
        os.environ,
        YUANTUS_DATABASE_URL=url,
        YUANTUS_DATA_DIR=str(data_dir),
        YUANTUS_JWT_SECRET=JWT_SECRET,
        YUANTUS_ENCRYPTION_KEYS="bench",
        YUANTUS_ADMIN_PASSWORD=secrets.token_urlsafe(16),
        YUANTUS_LOG_LEVEL="WARNING",
    )
    flag = ["--immediate-reads"] if mode == "immediate" else []
    cmd = [sys.executable, "-m", "bench.server", *flag, "start", "--port", str(port)]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited; see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).is_success:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("the server did not answer /health within 60 s")


def _enqueue(url: str, data_dir: Path, jobs: int) -> None:
    # patient: with IMMEDIATE reads the enqueuer queues behind every reader for the lock
    settings = bench_settings(url, data_dir).model_copy(update={"sqlite_busy_timeout_ms": 600_000})
    db = Database(settings)
    for first in range(0, jobs, ENQUEUE_BATCH):
        with db.scope() as s:
            for i in range(first, min(jobs, first + ENQUEUE_BATCH)):
                job_service.create_job(s, "noop", {"i": i})
    db.dispose()


def _job_counts(path: str) -> tuple[int, int]:
    """(completed, not yet completed) jobs, read in a deferred transaction of its own."""
    conn = sqlite3.connect(path, timeout=30)
    try:
        rows = dict(
            conn.execute(
                "SELECT status = 'completed', count(*) FROM meta_conversion_jobs GROUP BY 1"
            ).fetchall()
        )
    finally:
        conn.close()
    return rows.get(1, 0), rows.get(0, 0)


def _drain_window(path: str, timeout: float) -> tuple[float, float, int]:
    """From the first completed job to the last: start, end and jobs completed."""
    start = end = 0.0
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        done, left = _job_counts(path)
        now = time.perf_counter()
        if done and not start:
            start = now
        if start and not left:
            end = now
            return start, end, done
        time.sleep(0.05)
    raise RuntimeError("the jobs did not drain in time")


def _stats(name: str, samples: list[Sample], seconds: float) -> tuple[float, str]:
    good = [s.seconds for s in samples if s.ok]
    errors = len(samples) - len(good)
    rate = len(good) / seconds if seconds else 0.0
    if len(good) >= 2:
        q = statistics.quantiles(good, n=20)
        p50, p95 = statistics.median(good), q[18]
    else:
        p50 = p95 = good[0] if good else float("nan")
    line = (
        f"{name:<28} {rate:>7.2f} req/s  p50 {p50 * 1000:>7.0f} ms  p95 {p95 * 1000:>7.0f} ms  "
        f"{len(good):>5} ok  {errors:>3} errors  over {seconds:5.1f} s"
    )
    return rate, line


def run_mode(mode: str, args: argparse.Namespace, fanout: list[int]) -> list[str]:
    """Idle then busy read load against a fresh server in one mode; the report lines."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        url, top, token = _prepare(data_dir, fanout)
        port = _free_port()
        log = data_dir / "server.log"
        proc = _server(url, data_dir, port, mode, log)
        tree = f"http://127.0.0.1:{port}/api/v1/bom/{top}/tree"
        size = len(httpx.get(tree, headers={"Authorization": f"Bearer {token}"}).content)
        load = Load(tree, token, args.clients)
        try:
            load.start()
            time.sleep(2)  # warm-up: every client has connected and run a request
            idle_start = time.perf_counter()
            time.sleep(args.seconds)
            idle_end = time.perf_counter()
            _enqueue(url, data_dir, args.jobs)
            start, end, done = _drain_window(url.split("///", 1)[1], timeout=1800)
        finally:
            load.stop()
            proc.terminate()
            proc.wait(timeout=60)
        idle_rate, idle_line = _stats(
            f"{mode}: idle", load.window(idle_start, idle_end), idle_end - idle_start
        )
        busy_rate, busy_line = _stats(
            f"{mode}: worker draining", load.window(start, end), end - start
        )
        return [
            f"## reads, {mode} BEGIN for GET: {args.clients} clients, tree of {size / 1e6:.1f} MB",
            idle_line,
            busy_line,
            f"{'':<28} {done / (end - start):>7.0f} jobs/s drained; "
            f"busy/idle ratio {busy_rate / idle_rate if idle_rate else float('nan'):.2f}",
        ]


def main(argv: list[str]) -> int:
    """Run the read benchmark and print requests/s, latency and errors per mode."""
    parser = argparse.ArgumentParser(prog="python -m bench reads")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--fanout", default="10,10,10", help="children per BOM level")
    parser.add_argument("--jobs", type=int, default=5000, help="noop jobs to drain")
    parser.add_argument("--seconds", type=float, default=15, help="idle measurement")
    parser.add_argument("--modes", default="immediate,deferred")
    args = parser.parse_args(argv)
    fanout = [int(x) for x in args.fanout.split(",")]
    for mode in args.modes.split(","):
        for line in run_mode(mode.strip(), args, fanout):
            print(line, flush=True)
    return 0
