"""Sites over HTTP: upsert by name, list, get, patch, health with a recorded result, secrets."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.receiver import Answer, receiving
from yuantus.audit.models import AuditEvent
from yuantus.core.crypto import decrypt
from yuantus.core.db import Database
from yuantus.core.settings import Settings
from yuantus.doc_sync.models import RemoteSite

AsUser = Callable[[str], TestClient]
TOKEN = "site-b-sync-token-0123456789"


def _site(**extra: object) -> dict[str, object]:
    return {
        "name": "plant-2",
        "endpoint": "http://127.0.0.1:9/",
        "auth_mode": "token",
        "auth_secret": TOKEN,
        **extra,
    }


def test_upsert_creates_then_replaces_by_name_and_never_answers_the_token(
    as_user: AsUser, database: Database, settings: Settings
) -> None:
    admin = as_user("admin")
    created = admin.post("/api/v1/doc-sync/sites", json=_site(metadata={"plant": 2}))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["secret_configured"] is True
    assert body["endpoint"] == "http://127.0.0.1:9"  # trailing slash dropped
    assert TOKEN not in created.text
    assert "auth_secret" not in body
    replaced = admin.post(
        "/api/v1/doc-sync/sites", json=_site(endpoint="http://10.0.0.2:7910", auto_push=True)
    )
    assert replaced.status_code == 200
    assert replaced.json()["id"] == body["id"]
    assert replaced.json()["auto_push"] is True
    assert replaced.json()["metadata"] == {}
    with database.scope() as s:
        site = s.get(RemoteSite, body["id"])
        assert site is not None
        # stored encrypted: the column is a Fernet token the configured keys open
        assert TOKEN not in site.auth_secret_ciphertext
        assert decrypt(settings, site.auth_secret_ciphertext) == TOKEN
        audit = s.scalars(select(AuditEvent).where(AuditEvent.object_id == site.id)).all()
        assert [a.action for a in audit] == ["created", "replaced"]
        assert all(TOKEN not in str(a.after) for a in audit)


def test_list_get_patch(as_user: AsUser) -> None:
    admin = as_user("admin")
    a = admin.post("/api/v1/doc-sync/sites", json=_site(name="b-site")).json()
    admin.post("/api/v1/doc-sync/sites", json=_site(name="a-site", is_active=False))
    listed = as_user("viewer").get("/api/v1/doc-sync/sites").json()
    assert [s["name"] for s in listed["items"]] == ["a-site", "b-site"]
    assert listed["total"] == 2
    active = admin.get("/api/v1/doc-sync/sites", params={"is_active": "true"}).json()
    assert [s["name"] for s in active["items"]] == ["b-site"]
    assert admin.get(f"/api/v1/doc-sync/sites/{a['id']}").json()["name"] == "b-site"
    patched = admin.patch(
        f"/api/v1/doc-sync/sites/{a['id']}",
        json={"is_active": False, "auth_secret": "another-token-value", "metadata": {"x": 1}},
    )
    assert patched.status_code == 200
    assert patched.json()["is_active"] is False
    assert patched.json()["metadata"] == {"x": 1}
    assert "another-token-value" not in patched.text


def test_bad_input_and_roles(as_user: AsUser) -> None:
    admin = as_user("admin")
    for bad in (
        _site(endpoint="ftp://x"),
        _site(endpoint="plant-2"),
        _site(endpoint="http://x/?a=1"),
    ):
        r = admin.post("/api/v1/doc-sync/sites", json=bad)
        assert r.status_code == 422
        assert r.json()["detail"]["code"] == "invalid_site_endpoint"
    for bad in (_site(name=""), _site(auth_mode="password"), _site(extra=1), _site(name="a b")):
        assert admin.post("/api/v1/doc-sync/sites", json=bad).status_code == 422
    no_secret = _site()
    no_secret.pop("auth_secret")
    assert admin.post("/api/v1/doc-sync/sites", json=no_secret).status_code == 422
    assert as_user("engineer").post("/api/v1/doc-sync/sites", json=_site()).status_code == 403
    assert admin.get("/api/v1/doc-sync/sites/nope").status_code == 404
    assert admin.get("/api/v1/doc-sync/sites/nope").json()["detail"]["code"] == (
        "remote_site_not_found"
    )
    assert admin.patch("/api/v1/doc-sync/sites/nope", json={}).status_code == 404
    site = admin.post("/api/v1/doc-sync/sites", json=_site()).json()
    assert (
        admin.patch(f"/api/v1/doc-sync/sites/{site['id']}", json={"is_active": None}).status_code
        == 422
    )
    assert (
        admin.patch(f"/api/v1/doc-sync/sites/{site['id']}", json={"endpoint": "x"}).status_code
        == 422
    )
    assert admin.get("/api/v1/doc-sync/sites", params={"bogus": 1}).status_code == 422
    health = f"/api/v1/doc-sync/sites/{site['id']}/health"
    assert admin.post(health, params={"timeout_s": 0}).status_code == 422
    assert admin.post(health, params={"timeout_s": 61}).status_code == 422
    assert as_user("engineer").post(health).status_code == 403


def test_health_of_an_unreachable_site_is_a_recorded_unhealthy_200(
    as_user: AsUser, database: Database
) -> None:
    admin = as_user("admin")
    site = admin.post("/api/v1/doc-sync/sites", json=_site()).json()
    r = admin.post(f"/api/v1/doc-sync/sites/{site['id']}/health", params={"timeout_s": 1})
    assert r.status_code == 200
    assert r.json()["status"] == "unhealthy"
    assert "unreachable" in r.json()["error"]
    again = admin.get(f"/api/v1/doc-sync/sites/{site['id']}").json()
    assert again["last_health_status"] == "unhealthy"
    assert again["last_health_error"] == r.json()["error"]
    assert again["last_health_at"] is not None
    with database.scope() as s:
        rows = s.scalars(
            select(AuditEvent).where(
                AuditEvent.object_id == site["id"], AuditEvent.action == "health_checked"
            )
        ).all()
        assert len(rows) == 1
        assert rows[0].actor_id is not None
        assert rows[0].before["last_health_status"] is None
        assert rows[0].after["last_health_status"] == "unhealthy"
        assert rows[0].after["last_health_error"] == r.json()["error"]


def test_health_probes_health_then_an_authenticated_call(as_user: AsUser) -> None:
    admin = as_user("admin")
    with receiving(Answer(200, {"site_name": "plant-2", "user": "sync"})) as receiver:
        root = receiver.url.removesuffix("/hook")
        site = admin.post("/api/v1/doc-sync/sites", json=_site(endpoint=root)).json()
        # the receiver answers POSTs only: GET /health is a 501 there, so unhealthy
        r = admin.post(f"/api/v1/doc-sync/sites/{site['id']}/health").json()
    assert r["status"] == "unhealthy"
    assert "501" in r["error"]
    assert TOKEN not in r["error"]
