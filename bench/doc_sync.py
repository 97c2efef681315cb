"""Document sync A -> B on loopback: python -m bench doc_sync [--docs N] [--mb M].

Two `yuantus start` processes (own data dir and SQLite each, in-process worker). A holds N
documents with M MB of files each (two files per document); one push job sends them to B.
Baseline, same run: the same bytes PUT by a bare httpx loop to a bare ASGI endpoint that
writes them to disk. Then a re-push of the same documents, which sends no file bytes.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

API = "/api/v1"
ADMIN_PW = "bench-admin-password-1"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not come up")
        time.sleep(0.2)


class Site:
    """A `yuantus start` process with its own data dir."""

    def __init__(self, name: str, data_dir: Path) -> None:
        self.name, self.data_dir, self.port = name, data_dir, _port()
        self.root = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("YUANTUS_")} | {
            "YUANTUS_DATA_DIR": str(data_dir),
            "YUANTUS_SITE_NAME": name,
            "YUANTUS_ADMIN_PASSWORD": ADMIN_PW,
            "YUANTUS_LOG_LEVEL": "WARNING",
            "YUANTUS_MAX_UPLOAD_BYTES": str(1 << 30),
        }
        cmd = [sys.executable, "-m", "yuantus.cli", "start", "--port", str(self.port)]
        self.log = (data_dir.parent / f"{name}.log").open("ab")
        self.proc = subprocess.Popen(cmd, env=self.env, stdout=self.log, stderr=self.log)
        _wait(f"{self.root}{API}/health", self.proc)
        login = httpx.post(
            f"{self.root}{API}/auth/login", json={"username": "admin", "password": ADMIN_PW}
        )
        token = login.json()["access_token"]
        self.http = httpx.Client(
            base_url=self.root + API, headers={"authorization": f"Bearer {token}"}, timeout=300
        )

    def cli(self, *args: str) -> str:
        run = subprocess.run(
            [sys.executable, "-m", "yuantus.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return run.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        self.http.close()
        self.proc.terminate()
        self.proc.wait(timeout=60)


def _documents(a: Site, count: int, file_bytes: int) -> tuple[list[str], list[bytes]]:
    """count Documents at A, each with two files of file_bytes/2 random bytes."""
    ids, blobs = [], []
    half = file_bytes // 2
    for n in range(count):
        item = a.http.post(
            "/items", json={"item_type": "Document", "item_number": f"BENCH-{n:04d}", "name": "b"}
        )
        item.raise_for_status()
        ids.append(item.json()["id"])
        for part in range(2):
            data = os.urandom(half)
            blobs.append(data)
            r = a.http.post(
                f"/items/{ids[-1]}/files",
                files={"file": (f"f{part}.bin", data, "application/octet-stream")},
                data={"role": "native"},
            )
            r.raise_for_status()
    return ids, blobs


def _push(a: Site, site_id: str, ids: list[str]) -> tuple[float, dict[str, Any]]:
    """Enqueue one push and wait for it; (seconds the worker ran it, the job)."""
    job = a.http.post(
        "/doc-sync/jobs", json={"site_id": site_id, "direction": "push", "document_ids": ids}
    ).json()
    while True:
        got = a.http.get(f"/doc-sync/jobs/{job['id']}").json()
        if got["status"] in ("completed", "failed"):
            break
        time.sleep(0.1)
    if got["status"] != "completed":
        raise RuntimeError(f"push failed: {got['last_error']}")
    started = datetime.fromisoformat(got["started_at"])
    completed = datetime.fromisoformat(got["completed_at"])
    return (completed - started).total_seconds(), got


def _baseline(blobs: list[bytes], workdir: Path) -> float:
    """Seconds a bare httpx loop takes to PUT the blobs to a bare disk-writing endpoint."""
    port = _port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.bare_receiver", str(port), str(workdir / "bare")]
    )
    try:
        _wait(f"http://127.0.0.1:{port}/", proc)
        with httpx.Client(timeout=300) as client:
            started = time.perf_counter()
            for i, data in enumerate(blobs):
                client.put(f"http://127.0.0.1:{port}/blob/{i}", content=data).raise_for_status()
            return time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main(argv: list[str]) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench doc_sync")
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--mb", type=float, default=1.0, help="MB of files per document")
    args = parser.parse_args(argv)
    file_bytes = int(args.mb * 1024 * 1024)
    with tempfile.TemporaryDirectory(prefix="bench-docsync-") as tmp:
        workdir = Path(tmp)
        a, b = Site("bench-a", workdir / "a"), Site("bench-b", workdir / "b")
        try:
            token_b = b.cli("token", "create", "--user", "admin", "--name", "bench-a")
            site = a.http.post(
                "/doc-sync/sites",
                json={"name": "bench-b", "endpoint": b.root, "auth_secret": token_b},
            ).json()
            print(f"creating {args.docs} documents x {args.mb} MB at A ...", flush=True)
            ids, blobs = _documents(a, args.docs, file_bytes)
            total_mb = sum(len(x) for x in blobs) / 1024 / 1024
            seconds, job = _push(a, site["id"], ids)
            assert job["bytes_sent"] == sum(len(x) for x in blobs), job["bytes_sent"]
            again, job2 = _push(a, site["id"], ids)
            assert job2["bytes_sent"] == 0
            assert job2["result"]["counts"]["unchanged"] == args.docs
            base = _baseline(blobs, workdir)
        finally:
            a.stop()
            b.stop()
    print(
        f"push A->B      {args.docs} docs, {total_mb:.0f} MB in {seconds:.2f} s: "
        f"{args.docs / seconds:.1f} docs/s, {total_mb / seconds:.1f} MB/s"
    )
    print(
        f"baseline       bare httpx PUT loop, same bytes: {base:.2f} s, {total_mb / base:.1f} MB/s"
    )
    print(f"ratio          sync MB/s / baseline MB/s = {base / seconds:.2f} (bar: >= 0.5)")
    print(
        f"re-push        {args.docs} docs unchanged, 0 file bytes sent, in {again:.2f} s "
        f"({args.docs / again:.1f} docs/s)"
    )
    return 0
