"""Webhooks over HTTP: admin CRUD, secrets never answered, signed deliveries to a real receiver."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from standardwebhooks import Webhook

from tests.helpers import release_four_eyes
from tests.receiver import Answer, Receiver, receiving
from yuantus.core.db import Database
from yuantus.core.signing import generate_secret
from yuantus.event.models import WebhookSubscription
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.job.config import JobSettings
from yuantus.job.worker import Worker

API = "/api/v1"
Client = Callable[[str], TestClient]
FAST = JobSettings(backoff_base=0, backoff_cap=0, heartbeat_interval=0.1)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _drain(database: Database) -> None:
    worker = Worker(database, once=True, poll_interval=0.05, config=FAST)
    worker.start()
    assert worker.join(timeout=60)


def _release(database: Database, number: str) -> str:
    with database.scope() as s:
        item = item_service.create(s, "Part", f"{number} name", item_number=number)
        release_four_eyes(s, item)
        return item.id


def test_a_generated_secret_is_shown_once_and_never_again(
    as_user: Client, database: Database, users: dict[str, User]
) -> None:
    admin = as_user("admin")
    body = {"url": "https://erp.example.com/hooks", "event_types": ["eco.*", "item.released"]}
    created = _ok(admin.post(f"{API}/webhooks", json=body), 201)
    assert created["secret"].startswith("whsec_")
    assert created["secret_configured"] is True
    assert created["created_by_name"] == "admin"
    again = _ok(admin.get(f"{API}/webhooks/{created['id']}"))
    assert "secret" not in again
    listing = admin.get(f"{API}/webhooks").text
    assert created["secret"] not in listing
    with database.scope() as s:
        row = s.get(WebhookSubscription, created["id"])
        assert row is not None
        assert created["secret"] not in row.secret_ciphertext  # encrypted at rest
    given = {**body, "secret": generate_secret()}
    assert _ok(admin.post(f"{API}/webhooks", json=given), 201)["secret"] is None


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"url": "ftp://x/y", "event_types": ["*"]}, "invalid_webhook_url"),
        ({"url": "/relative", "event_types": ["*"]}, "invalid_webhook_url"),
        ({"url": "http://x", "event_types": ["eco changed"]}, "invalid_event_pattern"),
        ({"url": "http://x", "event_types": []}, "validation_failed"),
        (
            {"url": "http://x", "event_types": ["*"], "secret": "hunter2-hunter2"},
            "validation_failed",
        ),
        ({"url": "http://x", "event_types": ["*"], "colour": "red"}, "unknown_fields"),
    ],
)
def test_bad_subscriptions_are_422_without_echoing_the_secret(
    as_user: Client, database: Database, body: dict[str, Any], code: str
) -> None:
    response = as_user("admin").post(f"{API}/webhooks", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"]["code"] == code
    assert "hunter2" not in response.text
    with database.scope() as s:
        assert s.scalars(select(WebhookSubscription)).all() == []


def test_webhooks_are_admin_only(as_user: Client) -> None:
    for role in ("engineer", "viewer"):
        response = as_user(role).post(
            f"{API}/webhooks", json={"url": "http://x", "event_types": ["*"]}
        )
        assert response.status_code == 403
        assert as_user(role).get(f"{API}/webhooks").status_code == 403
    assert as_user("admin").get(f"{API}/webhooks/nope").status_code == 404


def test_a_release_is_delivered_signed_retried_after_500_and_not_after_410(
    as_user: Client, database: Database, users: dict[str, User], receiver: Receiver
) -> None:
    admin = as_user("admin")
    secret = generate_secret()
    body = {"url": receiver.url, "event_types": ["item.released"], "secret": secret}
    hook = _ok(admin.post(f"{API}/webhooks", json=body), 201)
    receiver.script = [Answer(500)]
    item_id = _release(database, "P-1")
    _drain(database)
    assert len(receiver.received) == 2  # the 500, then the retry that got 200
    for request in receiver.received:
        message = Webhook(secret).verify(request.body, request.headers)
        assert message["type"] == "item.released"
        assert message["data"]["object_id"] == item_id
        assert message["data"]["item_number"] == "P-1"
    deliveries = _ok(admin.get(f"{API}/webhooks/{hook['id']}/deliveries"))["items"]
    assert [(d["state"], d["attempts"], d["last_status_code"]) for d in deliveries] == [
        ("delivered", 2, 200)
    ]
    assert deliveries[0]["event_type"] == "item.released"
    assert deliveries[0]["last_response_ms"] is not None

    receiver.script = [Answer(410)]
    _release(database, "P-2")
    _drain(database)
    assert len(receiver.received) == 3
    newest = _ok(admin.get(f"{API}/webhooks/{hook['id']}/deliveries"))["items"][0]
    assert (newest["state"], newest["attempts"], newest["last_status_code"]) == ("failed", 1, 410)

    again = _ok(admin.post(f"{API}/webhooks/{hook['id']}/deliveries/{newest['id']}/redeliver"), 202)
    assert (again["redelivery_of"], again["state"]) == (newest["id"], "pending")
    _drain(database)
    assert len(receiver.received) == 4
    # the redelivery is the same message: same webhook-id as the refused one
    assert receiver.received[3].headers["webhook-id"] == receiver.received[2].headers["webhook-id"]


def test_a_429_waits_for_retry_after_and_a_dead_letter_ends_the_tries(
    as_user: Client,
    database: Database,
    users: dict[str, User],
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("YUANTUS_WEBHOOK_MAX_ATTEMPTS", "2")
    admin = as_user("admin")
    hook = _ok(
        admin.post(f"{API}/webhooks", json={"url": receiver.url, "event_types": ["item.*"]}), 201
    )
    receiver.script = [Answer(429, headers={"retry-after": "120"})]
    _release(database, "P-3")  # item.submitted and item.released
    _drain(database)
    rows = _ok(admin.get(f"{API}/webhooks/{hook['id']}/deliveries", params={"sort": "created_at"}))
    first, second = rows["items"]
    assert (first["state"], first["attempts"], first["last_status_code"]) == ("pending", 1, 429)
    assert first["next_attempt_at"] is not None  # two minutes out: not run by this drain
    assert second["state"] == "delivered"

    receiver.default = Answer(503)
    unreachable = _ok(admin.post(f"{API}/webhooks/{hook['id']}/test"), 202)
    _drain(database)
    dead = next(
        d
        for d in _ok(admin.get(f"{API}/webhooks/{hook['id']}/deliveries"))["items"]
        if d["id"] == unreachable["id"]
    )
    assert (dead["state"], dead["attempts"], dead["event_type"]) == ("dead", 2, "webhook.test")
    assert dead["last_error"] == "receiver answered 503"


def test_inactive_and_unmatched_webhooks_get_nothing(
    as_user: Client, database: Database, users: dict[str, User], receiver: Receiver
) -> None:
    admin = as_user("admin")
    off = {"url": receiver.url, "event_types": ["*"], "is_active": False}
    hook = _ok(admin.post(f"{API}/webhooks", json=off), 201)
    _ok(admin.post(f"{API}/webhooks", json={"url": receiver.url, "event_types": ["eco.*"]}), 201)
    _release(database, "P-4")
    _drain(database)
    assert receiver.received == []
    patched = _ok(
        admin.patch(f"{API}/webhooks/{hook['id']}", json={"is_active": True, "description": "on"})
    )
    assert (patched["is_active"], patched["description"]) == (True, "on")
    bad = admin.patch(f"{API}/webhooks/{hook['id']}", json={"url": None})
    assert bad.status_code == 422
    assert admin.delete(f"{API}/webhooks/{hook['id']}").status_code == 204
    assert admin.get(f"{API}/webhooks/{hook['id']}").status_code == 404
