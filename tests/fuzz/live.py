"""A real `yuantus start --demo` process on loopback, signed in as each demo role."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy.engine import make_url

from tests.conftest import ENCRYPTION_KEY, JWT_SECRET
from yuantus.identity.demo import DEMO_ROLES, demo_password

ROOT = Path(__file__).resolve().parents[2]
API = "/api/v1"
ADMIN_PASSWORD = "fuzz-" + secrets.token_urlsafe(12)
# a role per request; "anonymous" sends no credentials (every operation declares its 401).
# admin counts three times: many writes are admin's only, and a 403 tests nothing past the door
ROLES = ("admin", "admin", *DEMO_ROLES, "anonymous")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


METRICS_TOKEN = "fuzz-metrics-scrape-token"
METRICS_OPERATION = "GET /metrics"


@dataclass
class LiveServer:
    """The running server: its base URL, a bearer token per role and the ids it knows."""

    url: str
    log: Path
    # kept out of the repr: a failing example prints the fixture, and tokens never reach output
    tokens: dict[str, str] = field(default_factory=dict, repr=False)
    # path parameter name -> ids of existing objects, so fuzzed requests reach past the 404
    ids: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def headers(self, role: str, operation: str = "") -> dict[str, str]:
        """The Authorization header of a role (none for anonymous); the scrape token for metrics."""
        if operation == METRICS_OPERATION and role != "anonymous":
            return {"Authorization": f"Bearer {METRICS_TOKEN}"}
        token = self.tokens.get(role)
        return {"Authorization": f"Bearer {token}"} if token else {}

    def log_tail(self, lines: int = 60) -> str:
        """The last lines the server wrote (for a failure message)."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def postgres_database(base_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database of its own for one server, dropped afterwards."""
    admin_url = make_url(base_url).set(drivername="postgresql")
    name = f"yuantus_fuzz_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(admin_url.render_as_string(hide_password=False), autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(base_url).set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _env(database_url: str, data_dir: Path) -> dict[str, str]:
    return dict(
        os.environ,
        YUANTUS_DATABASE_URL=database_url,
        YUANTUS_DATA_DIR=str(data_dir),
        YUANTUS_JWT_SECRET=JWT_SECRET,
        YUANTUS_ENCRYPTION_KEYS=ENCRYPTION_KEY,
        YUANTUS_ADMIN_PASSWORD=ADMIN_PASSWORD,
        YUANTUS_LOG_LEVEL="WARNING",
        # GET /metrics answers its scrape token only (never a user's): the fuzzer has it
        YUANTUS_METRICS_TOKEN=METRICS_TOKEN,
        # the fuzzer's wrong logins all come from 127.0.0.1: keep exercising the login itself
        YUANTUS_LOGIN_FREE_ATTEMPTS_PER_ADDRESS="100000",
        YUANTUS_EXTRA_DOMAINS="",
    )


@contextmanager
def live_server(database_url: str, data_dir: Path) -> Iterator[LiveServer]:
    """Migrate, start the demo server in its own process, sign in every role; stop it after."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = _env(database_url, data_dir)
    log = data_dir.parent / "server.log"
    command = [sys.executable, "-m", "tests.fuzz.server"]
    if not database_url.startswith("sqlite"):
        subprocess.run([*command, "db", "upgrade"], cwd=ROOT, env=env, check=True)
    port = _free_port()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [*command, "start", "--demo", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(url=f"http://127.0.0.1:{port}", log=log)
    try:
        _wait_ready(proc, server)
        _sign_in(server)
        _collect_ids(server)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_ready(proc: subprocess.Popen[bytes], server: LiveServer) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited:\n{server.log_tail()}")
        try:
            if httpx.get(f"{server.url}{API}/health", timeout=2).is_success:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer /health in 120 s:\n{server.log_tail()}")


def _sign_in(server: LiveServer) -> None:
    """A token per demo role, through POST /auth/login like any client."""
    for username in DEMO_ROLES:
        answer = httpx.post(
            f"{server.url}{API}/auth/login",
            json={"username": username, "password": demo_password(username)},
            timeout=10,
        )
        answer.raise_for_status()
        server.tokens[username] = answer.json()["access_token"]


# list operations walked for ids, and the path parameter their rows' "id" fills
_LISTS = (
    ("/items", "item_id"),
    ("/jobs", "job_id"),
    ("/workcenters", "workcenter_id"),
    ("/routings", "routing_id"),
    ("/workorders", "workorder_id"),
    ("/eco/stages", "stage_id"),
    ("/eco", "eco_id"),
    ("/eco-activities", "activity_id"),
    ("/webhooks", "webhook_id"),
    ("/workflow-actions/rules", "rule_id"),
    ("/breakages", "incident_id"),
    ("/consumption/plans", "plan_id"),
    ("/audit", "event_id"),
    ("/users", "user_id"),
    ("/workorder-docs/links", "link_id"),
)
# lists under one object: (path with {} for the object's id, the id's parameter, rows' "id")
_SUBLISTS = (
    ("/items/{}/files", "item_id", "link_id"),
    ("/items/{}/documents", "item_id", "link_id"),
    ("/bom/{}/flat", "item_id", None),
    ("/workorders/{}/operations", "workorder_id", None),
    ("/webhooks/{}/deliveries", "webhook_id", "delivery_id"),
)
# a path parameter that names an object another list gave
_ALIASES = {"part_id": "item_id", "parent_id": "item_id", "document_id": "item_id"}


def _collect_ids(server: LiveServer) -> None:
    """Walk the list operations as admin: every id seen, by the path parameter it fits."""
    found: dict[str, set[str]] = {}
    admin = httpx.Client(base_url=server.url + API, headers=server.headers("admin"), timeout=30)
    with admin:
        for path, list_param in _LISTS:
            _take(admin.get(path, params={"limit": 50}).json(), list_param, found)
        for template, parent, param in _SUBLISTS:
            for parent_id in sorted(found.get(parent, ())):
                answer = admin.get(template.format(parent_id))
                if answer.is_success:
                    _take(answer.json(), param, found)
    # the signed-in users stay usable: the fuzzer may only edit the users it has not logged in as
    found["user_id"] = found.get("user_id", set()) - _user_ids(server)
    for alias, target in _ALIASES.items():
        found.setdefault(alias, set()).update(found.get(target, ()))
    server.ids = {name: sorted(values) for name, values in found.items() if values}


def _take(page: dict[str, Any], param: str | None, found: dict[str, set[str]]) -> None:
    rows = page.get("items", [])
    if param is not None:
        found.setdefault(param, set()).update(row["id"] for row in rows if "id" in row)
    _walk(rows, found)


def _user_ids(server: LiveServer) -> set[str]:
    ids = set()
    for role in DEMO_ROLES:
        me = httpx.get(f"{server.url}{API}/auth/me", headers=server.headers(role), timeout=10)
        ids.add(me.json()["id"])
    return ids


def _walk(value: Any, found: dict[str, set[str]]) -> None:
    """Record every `<name>_id` that holds a UUID, under its name."""
    if isinstance(value, list):
        for entry in value:
            _walk(entry, found)
    elif isinstance(value, dict):
        for key, entry in value.items():
            if key.endswith("_id") and isinstance(entry, str) and _UUID.match(entry):
                found.setdefault(key, set()).add(entry)
            else:
                _walk(entry, found)
