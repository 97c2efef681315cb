"""Liveness and readiness: database, migrations at head, storage writable; 503 names the check."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_settings
from yuantus.app import create_app
from yuantus.core import health
from yuantus.core.db import Database
from yuantus.core.settings import Settings


def test_live_answers_without_the_database(client: TestClient) -> None:
    answer = client.get("/api/v1/health/live")
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"


def test_ready_checks_database_migrations_and_storage(client: TestClient) -> None:
    answer = client.get("/api/v1/health/ready")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "migrations": "ok", "storage": "ok"}
    assert body["failed"] == []
    # the old endpoint still answers
    assert client.get("/api/v1/health").json()["database"] == "ok"


def test_ready_is_503_when_storage_is_not_writable(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    data_dir = tmp_path / "broken"
    data_dir.mkdir()
    (data_dir / "files").write_text("a file where the store's directory should be")
    broken = make_settings(data_dir, settings.resolved_database_url)
    with TestClient(create_app(broken, database=database)) as c:
        answer = c.get("/api/v1/health/ready")
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "failed"
    assert body["failed"] == ["storage"]
    assert body["checks"]["storage"].startswith("storage not writable: ")
    assert str(data_dir) not in answer.text


def test_ready_is_503_when_migrations_are_behind(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "_head", lambda _engine: "9999_a_newer_revision")
    answer = client.get("/api/v1/health/ready")
    assert answer.status_code == 503
    body = answer.json()
    assert body["failed"] == ["migrations"]
    assert "head is 9999_a_newer_revision" in body["checks"]["migrations"]
