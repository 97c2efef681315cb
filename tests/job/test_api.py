"""The /jobs endpoints: list filters and paging, read, retry, cancel, roles, bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient

from tests.job.claims import claim_one, complete, fail
from yuantus.core.db import Database, utcnow
from yuantus.job import service

AsUser = Callable[[str], TestClient]


def _seed(db: Database) -> dict[str, str]:
    """A pending, a completed, a dead-letter and a canceled job."""
    with db.scope() as s:
        pending = service.create_job(s, "noop", {"n": 1})
        done = service.create_job(s, "echo", {"n": 2}, priority=1)
        dead = service.create_job(s, "noop", {"n": 3}, priority=2, max_attempts=1)
        canceled = service.create_job(s, "noop", {"n": 4}, priority=3)
    claimed = claim_one(db, "w", ["echo"])
    assert claimed is not None
    complete(db, claimed, {"n": 2})
    claimed = claim_one(db, "w", ["noop"])
    assert claimed is not None
    assert claimed.id == dead.id
    fail(db, claimed, "broken")
    with db.scope() as s:
        service.cancel(s, canceled.id)
    return {"pending": pending.id, "done": done.id, "dead": dead.id, "canceled": canceled.id}


def test_list_filters_and_paging(database: Database, as_user: AsUser) -> None:
    ids = _seed(database)
    viewer = as_user("viewer")
    r = viewer.get("/api/v1/jobs")
    assert r.status_code == 200
    assert r.json()["total"] == 4
    r = viewer.get("/api/v1/jobs", params={"state": "failed"})
    [dead] = r.json()["items"]
    assert dead["id"] == ids["dead"]
    assert dead["is_dead_letter"] is True
    assert dead["attempts"] == 1
    assert dead["remaining_attempts"] == 0
    assert dead["last_error"] == "broken"
    assert dead["error_history"][0]["error"] == "broken"
    r = viewer.get("/api/v1/jobs", params={"task_type": "echo"})
    assert [j["result"] for j in r.json()["items"]] == [{"n": 2}]
    page = viewer.get("/api/v1/jobs", params={"limit": 3, "offset": 3}).json()
    assert page["total"] == 4
    assert len(page["items"]) == 1
    later = (utcnow() + timedelta(hours=1)).isoformat()
    earlier = (utcnow() - timedelta(hours=1)).isoformat()
    assert viewer.get("/api/v1/jobs", params={"created_from": later}).json()["total"] == 0
    assert viewer.get("/api/v1/jobs", params={"created_to": later}).json()["total"] == 4
    r = viewer.get("/api/v1/jobs", params={"created_from": earlier, "created_to": later})
    assert r.json()["total"] == 4


def test_list_bad_input(database: Database, as_user: AsUser, client: TestClient) -> None:
    viewer = as_user("viewer")
    r = viewer.get("/api/v1/jobs", params={"state": "exploded"})
    assert r.status_code == 422
    assert r.json()["detail"]["code"] == "invalid_filter"
    assert "failed" in r.json()["detail"]["context"]["allowed"]
    r = viewer.get("/api/v1/jobs", params={"created_from": "2026-01-01T00:00:00"})
    assert r.status_code == 422
    assert r.json()["detail"]["code"] == "naive_datetime"
    assert viewer.get("/api/v1/jobs", params={"created_from": "yesterday"}).status_code == 422
    assert viewer.get("/api/v1/jobs", params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/jobs").status_code == 401


def test_get_job(database: Database, as_user: AsUser) -> None:
    ids = _seed(database)
    viewer = as_user("viewer")
    r = viewer.get(f"/api/v1/jobs/{ids['done']}")
    body = r.json()
    assert r.status_code == 200
    assert body["state"] == "completed"
    assert body["result"] == {"n": 2}
    assert body["is_dead_letter"] is False
    r = viewer.get("/api/v1/jobs/no-such-job")
    assert r.status_code == 404
    assert r.json()["detail"]["code"] == "job_not_found"


def test_cancel(database: Database, as_user: AsUser) -> None:
    ids = _seed(database)
    engineer = as_user("engineer")
    r = engineer.post(f"/api/v1/jobs/{ids['pending']}/cancel")
    assert r.status_code == 200
    assert r.json()["state"] == "canceled"
    r = engineer.post(f"/api/v1/jobs/{ids['done']}/cancel")
    assert r.status_code == 409
    assert r.json()["detail"]["code"] == "job_not_pending"
    assert engineer.post("/api/v1/jobs/nope/cancel").status_code == 404


def test_retry(database: Database, as_user: AsUser) -> None:
    ids = _seed(database)
    admin = as_user("admin")
    r = admin.post(f"/api/v1/jobs/{ids['dead']}/retry")
    body = r.json()
    assert r.status_code == 200
    assert body["state"] == "pending"
    assert body["attempts"] == 1
    assert body["remaining_attempts"] == 1
    assert body["is_dead_letter"] is False
    assert admin.post(f"/api/v1/jobs/{ids['canceled']}/retry").json()["state"] == "pending"
    r = admin.post(f"/api/v1/jobs/{ids['done']}/retry")
    assert r.status_code == 409
    assert r.json()["detail"]["code"] == "job_not_retryable"
    assert admin.post("/api/v1/jobs/nope/retry").status_code == 404


def test_writes_need_engineer_or_admin(database: Database, as_user: AsUser) -> None:
    ids = _seed(database)
    for role in ("viewer", "approver"):
        r = as_user(role).post(f"/api/v1/jobs/{ids['pending']}/cancel")
        assert r.status_code == 403
        assert r.json()["detail"]["code"] == "role_required"
        assert as_user(role).post(f"/api/v1/jobs/{ids['dead']}/retry").status_code == 403
