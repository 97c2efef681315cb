"""GET /doc-sync/summary and the ops section: figures aggregated by the database, by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.doc_sync.test_jobs import _doc, _site
from yuantus.core.db import Database, utcnow
from yuantus.doc_sync.models import SyncJobLink
from yuantus.doc_sync.ops import ops_section
from yuantus.job.models import Job

AsUser = Callable[[str], TestClient]
JOBS = "/api/v1/doc-sync/jobs"
# past 2^31: PostgreSQL's INTEGER would overflow on the sum
BIG = 3_000_000_000


def _job(as_user: AsUser, site: str, direction: str, ids: list[str]) -> str:
    body = {"site_id": site, "direction": direction, "document_ids": ids}
    r = as_user("engineer").post(JOBS, json=body)
    assert r.status_code == 201, r.text
    job_id: str = r.json()["id"]
    return job_id


def _set(database: Database, job_id: str, minutes_ago: int, **values: Any) -> None:
    created = utcnow() - timedelta(minutes=minutes_ago)
    with database.scope() as s:
        s.execute(update(Job).where(Job.id == job_id).values(**values))
        s.execute(
            update(SyncJobLink).where(SyncJobLink.job_id == job_id).values(created_at=created)
        )


def test_summary_counts_statuses_directions_and_bytes_per_site(
    as_user: AsUser, database: Database
) -> None:
    north, south, idle = (_site(as_user, n) for n in ("plant-n", "plant-s", "plant-idle"))
    docs = [_doc(as_user, f"SUM-{i}") for i in range(4)]
    # plant-n: three pushes and a pull; the newest (the pull) is the last job
    done_big = _job(as_user, north, "push", [docs[0]])
    done_small = _job(as_user, north, "push", [docs[1]])
    waiting = _job(as_user, north, "push", [docs[2]])
    dead = _job(as_user, north, "pull", ["REMOTE-1"])
    _set(database, done_big, 50, status="completed", result={"bytes_sent": BIG})
    _set(database, done_small, 40, status="completed", result={"bytes_sent": 5})
    # not finished: the last progress counts
    _set(database, waiting, 30, progress={"bytes_sent": 7})
    _set(database, dead, 20, status="failed", last_error="refused", result=None, progress=None)
    # plant-s: one pull running, and one push from before the window
    running = _job(as_user, south, "pull", ["REMOTE-2"])
    old = _job(as_user, south, "push", [docs[3]])
    _set(database, running, 10, status="processing", progress={"bytes_sent": 11})
    _set(database, old, 60 * 24 * 8, status="completed", result={"bytes_sent": 1000})

    r = as_user("viewer").get("/api/v1/doc-sync/summary", params={"window_days": 7})
    assert r.status_code == 200, r.text
    rows = {row["site_name"]: row for row in r.json()["sites"]}
    assert list(rows) == ["plant-idle", "plant-n", "plant-s"]
    n = rows["plant-n"]
    assert n["jobs_by_status"] == {
        "pending": 1,
        "processing": 0,
        "completed": 2,
        "failed": 1,
        "canceled": 0,
    }
    assert (n["push"], n["pull"], n["dead_letters"]) == (3, 1, 1)
    assert n["success_rate"] == 0.6667  # 2 completed of 3 finished
    assert n["bytes_sent"] == BIG + 5 + 7
    assert n["last_job"]["id"] == dead
    assert n["last_job"]["is_dead_letter"] is True
    s = rows["plant-s"]
    assert s["jobs_by_status"]["processing"] == 1
    assert sum(s["jobs_by_status"].values()) == 1
    assert (s["push"], s["pull"], s["success_rate"], s["bytes_sent"]) == (0, 1, None, 11)
    assert s["last_job"]["id"] == running
    i = rows["plant-idle"]
    assert i["site_id"] == idle
    assert sum(i["jobs_by_status"].values()) == 0
    assert (i["push"], i["pull"], i["bytes_sent"], i["last_job"]) == (0, 0, 0, None)

    # a window of 9 days takes in the old push: plant-s's last job stays the running pull
    wide = as_user("viewer").get("/api/v1/doc-sync/summary", params={"window_days": 9}).json()
    s9 = {row["site_name"]: row for row in wide["sites"]}["plant-s"]
    assert (s9["push"], s9["bytes_sent"], s9["success_rate"]) == (1, 1011, 1.0)
    assert s9["last_job"]["id"] == running

    with database.scope() as session:
        section = ops_section(session, 7)
    assert section.figures["jobs"] == 5
    assert section.figures["dead_letters"] == 1
    assert section.figures["bytes_sent"] == BIG + 5 + 7 + 11
    assert section.figures["jobs_by_status"]["completed"] == 2
    assert section.measures["dead_letter_rate"].value == 0.2
