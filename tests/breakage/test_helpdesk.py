"""The helpdesk sync against a real HTTP receiver on loopback, and the local stub."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from tests.breakage.conftest import API, Report, ok, refused
from tests.receiver import Answer, Receiver, receiving
from yuantus.core.db import Database
from yuantus.core.signing import generate_secret
from yuantus.job.config import JobSettings
from yuantus.job.worker import Worker

Client = Callable[[str], TestClient]
FAST = JobSettings(backoff_base=0, backoff_cap=0, heartbeat_interval=0.1)
SECRET = generate_secret()


TICKET = Answer(201, {"ticket_id": "HD-4711", "status": "new"})


@pytest.fixture
def helpdesk(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    with receiving(TICKET) as desk:
        monkeypatch.setenv("YUANTUS_HELPDESK_URL", desk.url)
        monkeypatch.setenv("YUANTUS_HELPDESK_SECRET", SECRET)
        yield desk


def _drain(database: Database) -> Worker:
    worker = Worker(database, once=True, poll_interval=0.05, config=FAST)
    worker.start()
    assert worker.join(timeout=60)
    return worker


def _sync(c: TestClient, incident: dict[str, Any]) -> dict[str, Any]:
    return ok(c.post(f"{API}/breakages/{incident['id']}/helpdesk-sync"), 202)  # type: ignore[no-any-return]


def test_a_sync_is_signed_retried_after_a_500_and_keeps_the_ticket(
    as_user: Client, report: Report, database: Database, helpdesk: Receiver
) -> None:
    q = as_user("quality")
    incident = report(failure_mode="spoke snapped", severity="high")
    helpdesk.script = [Answer(500)]
    queued = _sync(q, incident)
    assert (queued["job_state"], queued["helpdesk"]["ticket_id"]) == ("pending", None)
    assert _sync(q, incident)["job_id"] == queued["job_id"]  # a pending sync is reused
    _drain(database)

    assert len(helpdesk.received) == 2
    for request in helpdesk.received:
        event = Webhook(SECRET).verify(request.body, request.headers)
        assert event["data"]["number"] == incident["number"]
        assert event["data"]["state"] == "open"
    # both attempts are the same message: the helpdesk can deduplicate on webhook-id
    assert len({r.headers["webhook-id"] for r in helpdesk.received}) == 1
    status = ok(q.get(f"{API}/breakages/{incident['id']}/helpdesk-sync/status"))
    assert (status["job_state"], status["job_attempts"]) == ("completed", 2)
    assert status["helpdesk"]["ticket_id"] == "HD-4711"
    assert status["helpdesk"]["status"] == "new"
    assert status["helpdesk"]["mode"] == "remote"
    assert status["helpdesk"]["last_error"] is None

    # a state change of a synced incident syncs again, with the ticket it has
    ok(q.post(f"{API}/breakages/{incident['id']}/transitions", json={"action": "investigate"}))
    _drain(database)
    last = helpdesk.received[-1]
    resync = Webhook(SECRET).verify(last.body, last.headers)
    assert (resync["data"]["state"], resync["data"]["ticket_id"]) == ("investigating", "HD-4711")


def test_a_refusal_is_not_retried_and_the_error_is_kept(
    as_user: Client, report: Report, database: Database, helpdesk: Receiver
) -> None:
    q = as_user("quality")
    incident = report()
    helpdesk.script = [Answer(410)]
    _sync(q, incident)
    _drain(database)
    assert len(helpdesk.received) == 1
    status = ok(q.get(f"{API}/breakages/{incident['id']}/helpdesk-sync/status"))
    assert (status["job_state"], status["job_attempts"]) == ("failed", 1)
    assert status["helpdesk"]["ticket_id"] is None
    assert status["helpdesk"]["last_error"] == "helpdesk answered 410"


def test_without_a_helpdesk_the_local_stub_assigns_a_ticket_and_says_so(
    as_user: Client, report: Report, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("YUANTUS_HELPDESK_URL", raising=False)
    q = as_user("quality")
    incident = report()
    _sync(q, incident)
    _drain(database)
    status = ok(q.get(f"{API}/breakages/{incident['id']}/helpdesk-sync/status"))
    assert status["job_state"] == "completed"
    assert status["helpdesk"]["ticket_id"] == f"LOCAL-{incident['number']}"
    assert status["helpdesk"]["mode"] == "local"
    with database.scope() as s:
        from yuantus.job import service

        job = service.get_job(s, status["job_id"])
        assert job.result is not None
        assert "local stub" in job.result["note"]


def test_sync_needs_a_writer_and_an_existing_incident(as_user: Client, report: Report) -> None:
    incident = report()
    refused(
        as_user("viewer").post(f"{API}/breakages/{incident['id']}/helpdesk-sync"),
        403,
        "role_required",
    )
    refused(
        as_user("quality").post(f"{API}/breakages/nope/helpdesk-sync"), 404, "breakage_not_found"
    )
    refused(
        as_user("viewer").get(f"{API}/breakages/nope/helpdesk-sync/status"),
        404,
        "breakage_not_found",
    )
    status = ok(as_user("viewer").get(f"{API}/breakages/{incident['id']}/helpdesk-sync/status"))
    assert (status["job_id"], status["helpdesk"]["ticket_id"]) == (None, None)
