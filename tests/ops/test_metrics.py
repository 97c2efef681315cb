"""GET /metrics: request counts and latency by route template, logins, queue depth and wait."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import make_settings
from tests.ops.metrics_helpers import samples, value
from yuantus.app import create_app
from yuantus.core.db import Database, utcnow
from yuantus.core.settings import Settings
from yuantus.job import service as job_service
from yuantus.job.models import Job

REQUESTS = "yuantus_http_requests_total"
MISSING = "00000000-0000-0000-0000-000000000000"


def test_requests_are_counted_by_route_template_not_by_path(
    client: TestClient, as_user: Callable[[str], TestClient]
) -> None:
    engineer = as_user("engineer")
    route = "/api/v1/items/{item_id}"
    before = samples(client)
    for _ in range(3):
        assert engineer.get(f"/api/v1/items/{MISSING}").status_code == 404
    assert client.get("/no/such/path/at/all").status_code == 404
    after = samples(client)
    labels = {"method": "GET", "route": route, "status": "404"}
    assert value(after, REQUESTS, **labels) - value(before, REQUESTS, **labels) == 3
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert value(after, REQUESTS, **unmatched) - value(before, REQUESTS, **unmatched) == 1
    count = "yuantus_http_request_duration_seconds_count"
    latency = {"method": "GET", "route": route}
    assert value(after, count, **latency) - value(before, count, **latency) == 3
    # no series is named after a raw path
    assert not any(MISSING in labels_ for _, labels_ in after)


def test_a_refused_login_is_counted(client: TestClient, users: object) -> None:
    name = "yuantus_login_failures_total"
    before = value(samples(client), name, reason="invalid_credentials")
    body = {"username": "engineer", "password": "not-the-password"}
    assert client.post("/api/v1/auth/login", json=body).status_code == 401
    assert client.post("/api/v1/auth/login", json={**body, "username": "nobody"}).status_code == 401
    good = {"username": "engineer", "password": "engineer-demo-pw"}
    assert client.post("/api/v1/auth/login", json=good).status_code == 200
    assert value(samples(client), name, reason="invalid_credentials") - before == 2


def test_queue_depth_and_oldest_wait_are_read_from_the_database(
    client: TestClient, database: Database, tmp_path: Path
) -> None:
    now = utcnow()
    with database.scope() as s:
        for _ in range(3):
            job_service.create_job(s, "test_count", {"path": str(tmp_path / "x")})
        waiting = job_service.create_job(s, "test_count", {"path": str(tmp_path / "x")})
        waiting.scheduled_at = now - timedelta(seconds=120)
        # in backoff until tomorrow: pending but not runnable, so it does not count as waiting
        later = job_service.create_job(s, "test_flaky", {"path": str(tmp_path / "y")})
        later.scheduled_at = now + timedelta(days=1)
        running = job_service.create_job(s, "test_flaky", {"path": str(tmp_path / "y")})
        running.status = "processing"
        s.flush()
        assert s.get(Job, waiting.id) is not None
    scrape = samples(client)
    depth = "yuantus_job_queue_depth"
    assert value(scrape, depth, task_type="test_count", status="pending") == 4
    assert value(scrape, depth, task_type="test_count", status="processing") == 0
    assert value(scrape, depth, task_type="test_flaky", status="pending") == 1
    assert value(scrape, depth, task_type="test_flaky", status="processing") == 1
    wait = "yuantus_job_queue_oldest_wait_seconds"
    assert 120 <= value(scrape, wait, task_type="test_count") < 180
    assert value(scrape, wait, task_type="test_flaky") == 0
    assert value(scrape, "yuantus_scrape_error", domain="job") == 0


def test_the_metrics_token_guards_the_endpoint(client: TestClient) -> None:
    refused = client.get("/metrics")
    assert refused.status_code == 401
    assert refused.json()["detail"]["code"] == "not_authenticated"
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert ("yuantus_scrape_error", "domain=job") in samples(client)


def test_without_a_token_nobody_may_scrape(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    unset = make_settings(tmp_path, settings.resolved_database_url)
    assert unset.metrics_token is None
    with TestClient(create_app(unset, database=database)) as c:
        refused = c.get("/metrics", headers={"Authorization": "Bearer anything"})
    assert refused.status_code == 401
    assert "YUANTUS_METRICS_TOKEN" in refused.json()["detail"]["message"]
