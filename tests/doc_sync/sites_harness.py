"""Two real Yuantus sites on loopback: `yuantus start` processes, each with its own data dir
and SQLite database (and its in-process worker), registered as each other's sites."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

API = "/api/v1"


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


METRICS_TOKEN = "metrics-scrape-token-for-tests"


@dataclass
class Site:
    """One running site: its process, URL and signed-in clients per demo user."""

    name: str
    data_dir: Path
    port: int
    proc: subprocess.Popen[bytes] | None = None
    clients: dict[str, httpx.Client] = field(default_factory=dict)

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("YUANTUS_")}
        return base | {
            "YUANTUS_DATA_DIR": str(self.data_dir),
            "YUANTUS_SITE_NAME": self.name,
            "YUANTUS_METRICS_TOKEN": METRICS_TOKEN,
            "YUANTUS_ADMIN_PASSWORD": "unused-admin-pw",
            # retries come quickly in a test, yet 20 of them outlast a restart of B (>= 64 s)
            "YUANTUS_JOB_BACKOFF_BASE": "0.5",
            "YUANTUS_JOB_BACKOFF_CAP": "8",
            "YUANTUS_LOG_LEVEL": "WARNING",
        }

    def start(self, demo: bool = True) -> None:
        """Start the process and wait until /health answers."""
        args = [sys.executable, "-m", "yuantus.cli", "start", "--port", str(self.port)]
        log = (self.data_dir.parent / f"{self.name}.log").open("ab")
        self.proc = subprocess.Popen(
            [*args, "--demo"] if demo else args, env=self.env(), stdout=log, stderr=log
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{self.root}{API}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert self.proc.poll() is None, f"{self.name} exited; see {log.name}"
            assert time.monotonic() < deadline, f"{self.name} did not come up"
            time.sleep(0.2)

    def stop(self) -> None:
        """Terminate the process (its worker requeues what it was running)."""
        for c in self.clients.values():
            c.close()
        self.clients.clear()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def metric(self, name: str, **labels: str) -> float:
        """A sample of GET /metrics (0 when the series does not exist yet)."""
        text = httpx.get(
            f"{self.root}/metrics", headers={"authorization": f"Bearer {METRICS_TOKEN}"}
        ).text
        want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        for line in text.splitlines():
            if line.startswith(f"{name}{{{want}}} "):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    def as_user(self, username: str) -> httpx.Client:
        """A client signed in as a demo user."""
        if username not in self.clients:
            login = httpx.post(
                f"{self.root}{API}/auth/login",
                json={"username": username, "password": f"{username}-demo-pw"},
            )
            assert login.status_code == 200, login.text
            token = login.json()["access_token"]
            self.clients[username] = httpx.Client(
                base_url=self.root + API, headers={"authorization": f"Bearer {token}"}, timeout=60
            )
        return self.clients[username]

    def sync_token(self) -> str:
        """A new API token of the demo `sync` user, made on the command line as an operator
        would (a sync account cannot even make its own tokens): what the other site stores."""
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "yuantus.cli",
                "token",
                "create",
                "--user",
                "sync",
                "--name",
                "peer",
            ],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        return run.stdout.strip().splitlines()[-1]

    def document(
        self, number: str, files: dict[str, bytes], *, release: bool = True, **fields: Any
    ) -> dict[str, Any]:
        """A Document with files, submitted and released (four eyes) unless told otherwise."""
        eng = self.as_user("engineer")
        body = {"item_type": "Document", "item_number": number, "name": f"Doc {number}", **fields}
        item = eng.post("/items", json=body)
        assert item.status_code == 201, item.text
        item_id = item.json()["id"]
        for filename, data in files.items():
            up = eng.post(
                f"/items/{item_id}/files",
                files={"file": (filename, data, "application/octet-stream")},
                data={"role": "native"},
            )
            assert up.status_code == 201, up.text
        if release:
            self.release(item_id)
        return dict(eng.get(f"/items/{item_id}").json())

    def release(self, item_id: str) -> None:
        """Submit (engineer) and release (approver)."""
        r = self.as_user("engineer").post(
            f"/items/{item_id}/transitions", json={"action": "submit"}
        )
        assert r.status_code == 200, r.text
        r = self.as_user("approver").post(
            f"/items/{item_id}/transitions", json={"action": "release"}
        )
        assert r.status_code == 200, r.text

    def by_number(self, number: str) -> dict[str, Any] | None:
        """The current revision of a Document, or None."""
        r = self.as_user("viewer").get(f"/items/by-number/Document/{number}")
        if r.status_code == 404:
            return None
        assert r.status_code == 200, r.text
        return dict(r.json())

    def files_of(self, item_id: str) -> dict[str, bytes]:
        """Each attached file's name -> its downloaded bytes."""
        viewer = self.as_user("viewer")
        links = viewer.get(f"/items/{item_id}/files").json()["items"]
        return {
            link["file"]["filename"]: viewer.get(f"/files/{link['file_id']}/content").content
            for link in links
        }

    def wait_job(
        self, job_id: str, *, until: tuple[str, ...] = ("completed", "failed"), timeout: float = 90
    ) -> dict[str, Any]:
        """Poll a sync job until its status is one of `until`."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.as_user("engineer").get(f"/doc-sync/jobs/{job_id}").json()
            if job["status"] in until:
                return dict(job)
            assert time.monotonic() < deadline, f"job stuck: {job}"
            time.sleep(0.3)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
