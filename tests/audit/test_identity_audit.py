"""Every identity change leaves an audit row, through HTTP and the CLI, never with secrets."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from yuantus.audit.models import AuditEvent
from yuantus.cli import app as cli
from yuantus.core.db import Database
from yuantus.core.settings import Settings
from yuantus.identity.models import ApiToken, User

USERS = "/api/v1/users"


def _rows(database: Database, **where: str) -> list[AuditEvent]:
    """Audit rows in the order they were written."""
    with database.scope() as s:
        query = select(AuditEvent).order_by(AuditEvent.created_at, AuditEvent.id)
        for key, value in where.items():
            query = query.where(getattr(AuditEvent, key) == value)
        return list(s.scalars(query))


def _summary(row: AuditEvent) -> tuple[Any, ...]:
    return (row.object_type, row.action, row.before, row.after, row.actor_name)


def test_user_lifecycle_through_http_is_audited(
    as_user: Callable[[str], TestClient], users: dict[str, User], database: Database
) -> None:
    admin = as_user("admin")
    body = {"username": "li.wei", "password": "first-pass-1", "roles": ["engineer"]}
    r = admin.post(USERS, json=body, headers={"X-Request-ID": "create-li"})
    assert r.status_code == 201, r.text
    li = r.json()["id"]
    for change in (
        {"roles": ["engineer", "approver"]},
        {"is_active": False},
        {"is_active": True, "password": "second-pass-2", "email": "li@example.com"},
        {"roles": ["approver", "engineer"]},  # the same set: nothing changes, nothing logged
    ):
        assert admin.patch(f"{USERS}/{li}", json=change).status_code == 200

    rows = _rows(database, object_id=li)
    assert [_summary(r) for r in rows] == [
        (
            "user",
            "created",
            None,
            {
                "username": "li.wei",
                "email": None,
                "full_name": None,
                "roles": ["engineer"],
                "is_active": True,
            },
            "admin",
        ),
        (
            "user",
            "roles_changed",
            {"roles": ["engineer"]},
            {"roles": ["engineer", "approver"]},
            "admin",
        ),
        ("user", "deactivated", {"is_active": True}, {"is_active": False}, "admin"),
        ("user", "activated", {"is_active": False}, {"is_active": True}, "admin"),
        ("user", "password_set", None, None, "admin"),
        ("user", "updated", {"email": None}, {"email": "li@example.com"}, "admin"),
    ]
    assert {r.actor_id for r in rows} == {users["admin"].id}
    assert rows[0].request_id == "create-li"
    assert len({r.request_id for r in rows[1:]}) == 3, "one request id per PATCH"


def test_tokens_created_and_revoked_are_audited_without_their_secret(
    as_user: Callable[[str], TestClient], users: dict[str, User], database: Database
) -> None:
    engineer = as_user("engineer")
    r = engineer.post("/api/v1/auth/tokens", json={"name": "ci", "never_expires": True})
    assert r.status_code == 201, r.text
    token_id, secret = r.json()["id"], r.json()["token"]
    assert engineer.delete(f"/api/v1/auth/tokens/{token_id}").status_code == 200
    created, revoked = _rows(database, object_type="api_token")
    me = users["engineer"]
    assert (created.object_id, created.action, created.actor_id) == (token_id, "created", me.id)
    assert created.after == {
        "user_id": me.id,
        "username": "engineer",
        "name": "ci",
        "expires_at": None,
    }
    assert (revoked.object_id, revoked.action, revoked.actor_name) == (
        token_id,
        "revoked",
        "engineer",
    )
    assert revoked.before == {"revoked_at": None}
    with database.scope() as s:
        revoked_at = s.get_one(ApiToken, token_id).revoked_at
    # timestamps are kept as the API renders them: ISO 8601, UTC as Z
    stamp = revoked_at.isoformat().replace("+00:00", "Z")
    assert revoked.after == {"user_id": me.id, "name": "ci", "revoked_at": stamp}
    _assert_no_secrets(database, secret, secret[4:])


@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [
        ("ghost", "whatever-pw", "unknown_user"),
        ("engineer", "wrong-password", "wrong_password"),
    ],
)
def test_a_refused_login_leaves_an_audit_row_although_it_fails(
    client: TestClient,
    users: dict[str, User],
    database: Database,
    username: str,
    password: str,
    reason: str,
) -> None:
    before = len(_rows(database))
    r = client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password},
        headers={"X-Request-ID": "login-1"},
    )
    assert r.status_code == 401
    assert r.json()["detail"]["code"] == "invalid_credentials"
    assert reason not in r.text, "the answer never tells which part was wrong"
    (row,) = _rows(database, action="login_refused")
    object_id = users[username].id if username in users else username
    assert (row.object_type, row.object_id, row.actor_id, row.request_id) == (
        "user",
        object_id,
        None,
        "login-1",
    )
    assert row.after == {
        "username": username,
        "reason": reason,
        "client_address": "testclient",
        "locked_for_seconds": 0,
    }
    assert len(_rows(database)) == before + 1
    _assert_no_secrets(database, password)


def test_an_inactive_users_login_is_refused_and_audited(
    as_user: Callable[[str], TestClient],
    client: TestClient,
    database: Database,
    users: dict[str, User],
) -> None:
    viewer = users["viewer"]
    assert as_user("admin").patch(f"{USERS}/{viewer.id}", json={"is_active": False}).is_success
    r = client.post("/api/v1/auth/login", json={"username": "viewer", "password": "viewer-demo-pw"})
    assert r.status_code == 401
    (row,) = _rows(database, action="login_refused")
    assert row.object_id == viewer.id
    assert row.after is not None
    assert (row.after["username"], row.after["reason"]) == ("viewer", "inactive")


def test_a_successful_login_writes_nothing(
    client: TestClient, users: dict[str, User], database: Database
) -> None:
    before = len(_rows(database))
    r = client.post(
        "/api/v1/auth/login", json={"username": "engineer", "password": "engineer-demo-pw"}
    )
    assert r.status_code == 200
    assert len(_rows(database)) == before


def test_cli_identity_changes_are_audited_as_the_console_operator(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YUANTUS_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("YUANTUS_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("USER", "operator")
    monkeypatch.setenv("LOGNAME", "operator")
    runner = CliRunner()
    steps = (
        ["user", "create", "wang", "--password", "cli-first-pw", "--role", "engineer"],
        ["user", "set-password", "wang", "--password", "cli-second-pw"],
        ["token", "create", "--user", "wang", "--name", "ci"],
    )
    outputs = []
    for args in steps:
        r = runner.invoke(cli, args)
        assert r.exit_code == 0, r.output
        outputs.append(r.output)
    secret = outputs[-1].strip()
    rows = _rows(database)
    assert [(r.object_type, r.action, r.actor_id, r.actor_name) for r in rows] == [
        ("user", "created", None, "cli:operator"),
        ("user", "password_set", None, "cli:operator"),
        ("api_token", "created", None, "cli:operator"),
    ]
    assert rows[0].request_id is None, "no request outside HTTP"
    _assert_no_secrets(database, "cli-first-pw", "cli-second-pw", secret, secret[4:])


def _assert_no_secrets(database: Database, *secrets: str) -> None:
    """No audit row holds a password, a password hash or a token secret or hash."""
    with database.scope() as s:
        hashes = [h for h in s.scalars(select(User.password_hash)) if h]
        hashes += list(s.scalars(select(ApiToken.token_hash)))
    dumped = json.dumps(
        [[r.before, r.after, r.object_id, r.action] for r in _rows(database)], default=str
    )
    for secret in (*secrets, *hashes):
        assert secret not in dumped
    assert "argon2" not in dumped
