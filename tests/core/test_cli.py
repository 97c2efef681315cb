"""The `yuantus` command: migrations, users, tokens, and a real served process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from yuantus.cli import app

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private SQLite data dir for CLI runs."""
    data = tmp_path / "var"
    monkeypatch.setenv("YUANTUS_DATA_DIR", str(data))
    monkeypatch.delenv("YUANTUS_DATABASE_URL", raising=False)
    return data


def test_db_upgrade_and_current(cli_env: Path) -> None:
    r = runner.invoke(app, ["db", "upgrade"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["db", "current"])
    assert r.exit_code == 0
    current, head = (part.split(":")[1].strip() for part in r.output.strip().split("  "))
    assert current == head != "None"


def test_user_create_list_set_password_and_token(cli_env: Path) -> None:
    r = runner.invoke(
        app,
        ["user", "create", "wang", "--password", "longenough", "--role", "engineer"],
    )
    assert r.exit_code == 0, r.output
    again = runner.invoke(app, ["user", "create", "wang", "--password", "longenough"])
    assert again.exit_code == 1
    assert "taken" in again.output
    listed = runner.invoke(app, ["user", "list"])
    assert "wang" in listed.output
    assert "engineer" in listed.output
    r = runner.invoke(app, ["user", "set-password", "wang", "--password", "evenlonger"])
    assert r.exit_code == 0
    token = runner.invoke(app, ["token", "create", "--user", "wang", "--name", "ci"])
    assert token.exit_code == 0
    assert token.output.strip().startswith("ytk_")


def test_demo_is_idempotent(cli_env: Path) -> None:
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    assert "engineer-demo-pw" in first.output
    second = runner.invoke(app, ["demo"])
    assert second.exit_code == 0
    assert "exists" in second.output


def test_version(cli_env: Path) -> None:
    r = runner.invoke(app, ["version"])
    assert r.exit_code == 0
    assert r.output.strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.slow
def test_start_serves_health_and_demo_login(tmp_path: Path) -> None:
    """What `make run` does: a real process on the embedded SQLite, demo users can log in."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("YUANTUS_")} | {
        "YUANTUS_DATA_DIR": str(tmp_path / "var"),
        "YUANTUS_ADMIN_PASSWORD": "unused-admin-pw",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "yuantus.cli", "start", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "service did not come up"
            time.sleep(0.2)
        login = httpx.post(
            f"{base}/auth/login", json={"username": "engineer", "password": "engineer-demo-pw"}
        )
        assert login.status_code == 200
        me = httpx.get(
            f"{base}/auth/me",
            headers={"Authorization": f"Bearer {login.json()['access_token']}"},
        )
        assert me.json()["username"] == "engineer"
    finally:
        proc.terminate()
        out = proc.communicate(timeout=20)[0]
    assert f"http://127.0.0.1:{port}/api/v1" in out
    assert "engineer-demo-pw" in out
