"""Sync jobs over HTTP: create (dedupe, conflicts), 404/409/422, filters, get, replay, summary."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.helpers import race
from yuantus.core.db import Database
from yuantus.doc_sync.models import SyncJobLink
from yuantus.doc_sync.ops import ops_section
from yuantus.doc_sync.schemas import SyncJobStatus
from yuantus.job.models import JOB_STATUSES, Job

AsUser = Callable[[str], TestClient]
JOBS = "/api/v1/doc-sync/jobs"


def _site(as_user: AsUser, name: str = "plant-2", **extra: Any) -> str:
    body = {"name": name, "endpoint": "http://127.0.0.1:9", "auth_secret": "tok-123", **extra}
    r = as_user("admin").post("/api/v1/doc-sync/sites", json=body)
    assert r.status_code in (200, 201), r.text
    site_id: str = r.json()["id"]
    return site_id


def _doc(as_user: AsUser, number: str) -> str:
    r = as_user("engineer").post(
        "/api/v1/items", json={"item_type": "Document", "item_number": number, "name": number}
    )
    assert r.status_code == 201, r.text
    doc_id: str = r.json()["id"]
    return doc_id


def test_create_answers_the_payload_and_an_identical_request_the_same_job(
    as_user: AsUser, database: Database
) -> None:
    site = _site(as_user)
    d1, d2 = _doc(as_user, "DS-1"), _doc(as_user, "DS-2")
    eng = as_user("engineer")
    body = {"site_id": site, "direction": "push", "document_ids": [d2, d1, d2]}
    first = eng.post(JOBS, json=body)
    assert first.status_code == 201, first.text
    job = first.json()
    assert job["task_type"] == "document_sync_push"
    assert job["payload"]["document_ids"] == sorted([d1, d2])
    assert job["payload"]["site"] == {"id": site, "name": "plant-2"}
    assert set(job["payload"]) == {"site", "direction", "document_ids", "trace_id", "payload_hash"}
    assert "tok-123" not in first.text
    assert job["status"] == "pending"
    assert job["retry_budget"] == 5
    assert job["is_dead_letter"] is False
    assert job["idempotency_conflicts"] == 0
    # same ids in another order: the same request
    second = eng.post(JOBS, json={**body, "document_ids": [d1, d2]})
    assert second.status_code == 200
    assert second.json()["id"] == job["id"]
    assert second.json()["idempotency_conflicts"] == 1
    other = eng.post(JOBS, json={**body, "document_ids": [d1]})
    assert other.status_code == 201
    assert other.json()["id"] != job["id"]
    keyed = eng.post(JOBS, json={**body, "idempotency_key": "batch-7"})
    assert keyed.status_code == 201
    assert keyed.json()["idempotency_key"] == "batch-7"
    with database.scope() as s:
        stored = s.get(Job, job["id"])
        assert stored is not None
        assert "tok-123" not in str(stored.payload)
        assert stored.dedupe_key is not None


def test_create_refuses_bad_input(as_user: AsUser) -> None:
    site = _site(as_user)
    off = _site(as_user, "off-site", is_active=False)
    d1 = _doc(as_user, "DS-1")
    part = as_user("engineer").post("/api/v1/items", json={"item_type": "Part", "name": "p"})
    eng = as_user("engineer")
    ok = {"site_id": site, "direction": "push", "document_ids": [d1]}
    r = eng.post(JOBS, json={**ok, "site_id": "nope"})
    assert r.status_code == 404
    assert r.json()["detail"]["code"] == "remote_site_not_found"
    r = eng.post(JOBS, json={**ok, "document_ids": [d1, "missing-id", part.json()["id"]]})
    assert r.status_code == 404
    assert r.json()["detail"]["code"] == "document_not_found"
    assert r.json()["detail"]["context"]["missing"] == sorted(["missing-id", part.json()["id"]])
    r = eng.post(JOBS, json={**ok, "site_id": off})
    assert r.status_code == 409
    assert r.json()["detail"]["code"] == "remote_site_inactive"
    for bad in (
        {**ok, "direction": "sideways"},
        {**ok, "document_ids": []},
        {**ok, "document_ids": [""]},
        {**ok, "retry_max_attempts": 0},
        {**ok, "retry_max_attempts": 21},
        {**ok, "extra": True},
        {"site_id": site, "direction": "push"},
    ):
        assert eng.post(JOBS, json=bad).status_code == 422, bad
    assert as_user("viewer").post(JOBS, json=ok).status_code == 403
    # a pull names the remote's ids or numbers: nothing to check here
    pull = eng.post(JOBS, json={**ok, "direction": "pull", "document_ids": ["D-9", "X"]})
    assert pull.status_code == 201
    assert pull.json()["task_type"] == "document_sync_pull"


def test_racing_identical_requests_make_one_job(
    as_user: AsUser, database: Database, backend_url: str
) -> None:
    site = _site(as_user)
    d1 = _doc(as_user, "DS-1")
    body = {"site_id": site, "direction": "push", "document_ids": [d1]}
    eng = as_user("engineer")
    answers = race(*[lambda: eng.post(JOBS, json=body)] * 4)
    ids = {a.json()["id"] for a in answers}
    assert len(ids) == 1
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 201]
    with database.scope() as s:
        link = s.get(SyncJobLink, ids.pop())
        assert link is not None
        assert link.idempotency_conflicts == 3
        assert s.scalar(select(Job.id).where(Job.task_type == "document_sync_push").limit(2))


def test_list_filters_get_and_bad_filters(as_user: AsUser, database: Database) -> None:
    s1, s2 = _site(as_user), _site(as_user, "plant-3")
    d1, d2 = _doc(as_user, "DS-1"), _doc(as_user, "DS-2")
    eng = as_user("engineer")
    j1 = eng.post(JOBS, json={"site_id": s1, "direction": "push", "document_ids": [d1]}).json()
    j2 = eng.post(JOBS, json={"site_id": s2, "direction": "pull", "document_ids": ["X"]}).json()
    j3 = eng.post(JOBS, json={"site_id": s1, "direction": "push", "document_ids": [d2]}).json()
    with database.scope() as s:
        s.execute(update(Job).where(Job.id == j3["id"]).values(status="failed", last_error="boom"))
    viewer = as_user("viewer")
    listed = viewer.get(JOBS).json()
    assert [j["id"] for j in listed["items"]] == [j3["id"], j2["id"], j1["id"]]
    assert listed["total"] == 3
    by_site = viewer.get(JOBS, params={"site_id": s1}).json()["items"]
    assert {j["id"] for j in by_site} == {j1["id"], j3["id"]}
    assert [j["id"] for j in viewer.get(JOBS, params={"direction": "pull"}).json()["items"]] == [
        j2["id"]
    ]
    failed = viewer.get(JOBS, params={"status": "failed"}).json()["items"]
    assert [j["id"] for j in failed] == [j3["id"]]
    assert failed[0]["is_dead_letter"] is True
    assert failed[0]["dead_letter_reason"] == "boom"
    assert failed[0]["retry_budget"] == 0
    created = j1["created_at"]
    after = viewer.get(JOBS, params={"created_from": created}).json()["total"]
    assert after == 3
    assert viewer.get(JOBS, params={"created_to": created}).json()["total"] == 0
    asc = viewer.get(JOBS, params={"sort": "created_at"}).json()["items"]
    assert [j["id"] for j in asc] == [j1["id"], j2["id"], j3["id"]]
    for bad in (
        {"created_from": "yesterday"},
        {"created_to": "2026-12-01T10:00:00"},  # no zone
        {"status": "done"},
        {"direction": "up"},
        {"sort": "bogus"},
        {"bogus": "1"},
    ):
        assert viewer.get(JOBS, params=bad).status_code == 422, bad
    got = viewer.get(f"{JOBS}/{j1['id']}")
    assert got.status_code == 200
    assert got.json()["site_name"] == "plant-2"
    assert viewer.get(f"{JOBS}/nope").status_code == 404
    assert viewer.get(f"{JOBS}/nope").json()["detail"]["code"] == "sync_job_not_found"


def test_replay_makes_a_linked_job_and_summary_counts(as_user: AsUser, database: Database) -> None:
    site = _site(as_user)
    d1 = _doc(as_user, "DS-1")
    eng = as_user("engineer")
    old = eng.post(JOBS, json={"site_id": site, "direction": "push", "document_ids": [d1]}).json()
    with database.scope() as s:
        s.execute(
            update(Job)
            .where(Job.id == old["id"])
            .values(status="failed", last_error="x", result=None, progress={"bytes_sent": 10})
        )
    replayed = eng.post(f"{JOBS}/{old['id']}/replay")
    assert replayed.status_code == 201, replayed.text
    assert replayed.json()["replay_of"] == old["id"]
    assert replayed.json()["trigger"] == "replay"
    assert replayed.json()["payload"]["document_ids"] == [d1]
    assert eng.post(f"{JOBS}/nope/replay").status_code == 404
    assert as_user("viewer").post(f"{JOBS}/{old['id']}/replay").status_code == 403
    summary = as_user("viewer").get("/api/v1/doc-sync/summary", params={"window_days": 7}).json()
    [row] = summary["sites"]
    assert row["jobs_by_status"]["failed"] == 1
    assert row["jobs_by_status"]["pending"] == 1
    assert row["dead_letters"] == 1
    assert row["push"] == 2
    assert row["pull"] == 0
    assert row["success_rate"] == 0.0
    assert row["bytes_sent"] == 10
    assert row["last_job"]["id"] == replayed.json()["id"]
    for bad in ({"window_days": 0}, {"window_days": 400}, {"window_days": "x"}):
        assert as_user("viewer").get("/api/v1/doc-sync/summary", params=bad).status_code == 422
    with database.scope() as s:
        section = ops_section(s, 7)
    assert section.figures["jobs"] == 2
    assert section.figures["dead_letters"] == 1
    assert section.figures["bytes_sent"] == 10
    assert section.figures["jobs_by_status"]["pending"] == 1
    assert section.measures["dead_letter_rate"].value == 0.5
    overview = as_user("admin").get("/api/v1/ops/summary", params={"window_days": 7}).json()
    assert overview["sections"]["doc_sync"]["figures"]["dead_letters"] == 1
    # the site goes inactive: no replay
    as_user("admin").patch(f"/api/v1/doc-sync/sites/{site}", json={"is_active": False})
    r = eng.post(f"{JOBS}/{old['id']}/replay")
    assert r.status_code == 409
    assert r.json()["detail"]["code"] == "remote_site_inactive"


def test_job_status_is_the_queue_s_status_set_in_the_openapi(client: TestClient) -> None:
    assert get_args(SyncJobStatus) == JOB_STATUSES
    spec = client.get("/openapi.json").json()
    read = spec["components"]["schemas"]["SyncJobRead"]["properties"]["status"]
    assert read["enum"] == list(JOB_STATUSES)
    # the site probe's answer has a name of its own (not clashing with the service's /health)
    assert "SiteHealthRead" in spec["components"]["schemas"]
    assert not [n for n in spec["components"]["schemas"] if n.startswith("yuantus__")]
