"""Structured logs: one access line per request (id, user, route, status, duration), job lines."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from yuantus.core.db import Database
from yuantus.core.logging_json import JsonFormatter, TextFormatter
from yuantus.job import service as job_service
from yuantus.job.config import JobSettings
from yuantus.job.worker import Worker

FAST = JobSettings(backoff_base=0, backoff_cap=0, heartbeat_interval=0.1)
OUTCOMES = (("test_count", "completed"), ("test_fatal", "failed"))


def _outcomes(task_type: str, outcome: str) -> float:
    labels = {"task_type": task_type, "outcome": outcome}
    return REGISTRY.get_sample_value("yuantus_job_outcomes_total", labels) or 0.0


def _access(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "yuantus.access"]


def test_an_access_line_names_request_user_route_status_and_duration(
    as_user: Callable[[str], TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="yuantus.access")
    engineer = as_user("engineer")
    answer = engineer.get("/api/v1/items?limit=1", headers={"X-Request-ID": "req-obs-1"})
    assert answer.status_code == 200
    assert answer.headers["x-request-id"] == "req-obs-1"
    (record,) = [r for r in _access(caplog) if getattr(r, "route", "") == "/api/v1/items"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-obs-1"
    assert line["user"] == "engineer"
    assert line["method"] == "GET"
    assert line["route"] == "/api/v1/items"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["logger"] == "yuantus.access"
    # the query string (it may carry a search term) is not part of the route
    assert "limit" not in json.dumps(line)
    text = TextFormatter().format(record)
    assert "route=/api/v1/items" in text
    assert "user=engineer" in text


def test_a_request_without_an_id_gets_one(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="yuantus.access")
    answer = client.get("/api/v1/health/live")
    generated = answer.headers["x-request-id"]
    assert len(generated) == 32
    (record,) = _access(caplog)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == generated
    assert "user" not in line  # anonymous


def test_a_login_line_never_carries_the_password(
    client: TestClient, users: object, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = {"username": "engineer", "password": "engineer-demo-pw"}
    assert client.post("/api/v1/auth/login", json=body).status_code == 200
    lines = [JsonFormatter().format(r) for r in caplog.records]
    assert lines
    assert not [line for line in lines if "engineer-demo-pw" in line]
    assert not [line for line in lines if "access_token" in line]


def test_each_job_attempt_logs_task_type_id_attempt_and_outcome(
    database: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="yuantus.job.worker")
    with database.scope() as s:
        done = job_service.create_job(s, "test_count", {"path": str(tmp_path / "runs")})
        fatal = job_service.create_job(s, "test_fatal", {})
    before = {outcome: _outcomes(task, outcome) for task, outcome in OUTCOMES}
    worker = Worker(database, once=True, poll_interval=0.05, config=FAST)
    worker.start()
    assert worker.join(60)
    # the counters of GET /metrics moved by one each
    assert {o: _outcomes(t, o) - before[o] for t, o in OUTCOMES} == {"completed": 1, "failed": 1}
    lines = [
        json.loads(JsonFormatter().format(r))
        for r in caplog.records
        if getattr(r, "outcome", None) is not None
    ]
    by_job = {line["job_id"]: line for line in lines}
    assert by_job[done.id]["task_type"] == "test_count"
    assert by_job[done.id]["attempt"] == 1
    assert by_job[done.id]["outcome"] == "completed"
    assert by_job[fatal.id]["task_type"] == "test_fatal"
    assert by_job[fatal.id]["outcome"] == "failed"
