"""Finding 9: credentials issued before a password change or deactivation stop working."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.helpers import race
from yuantus.core.db import Database
from yuantus.identity.models import User

ME = "/api/v1/auth/me"


def _login(client: TestClient, username: str, password: str) -> str:
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def _token(client: TestClient, jwt: str, name: str) -> tuple[str, str]:
    r = client.post("/api/v1/auth/tokens", json={"name": name}, headers=_auth(jwt))
    assert r.status_code == 201, r.text
    return str(r.json()["id"]), str(r.json()["token"])


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "change", [{"password": "a-brand-new-password"}, {"is_active": False}], ids=["pw", "off"]
)
def test_password_change_and_deactivation_end_old_credentials(
    client: TestClient,
    as_user: Callable[[str], TestClient],
    users: dict[str, User],
    change: dict[str, object],
) -> None:
    jwt = _login(client, "engineer", "engineer-demo-pw")
    _, api_token = _token(client, jwt, "ci")
    assert client.get(ME, headers=_auth(jwt)).status_code == 200
    assert client.get(ME, headers=_auth(api_token)).status_code == 200
    r = as_user("admin").patch(f"/api/v1/users/{users['engineer'].id}", json=change)
    assert r.status_code == 200, r.text
    old_jwt = client.get(ME, headers=_auth(jwt))
    assert old_jwt.status_code == 401
    assert old_jwt.json()["detail"]["code"] == "credentials_revoked"
    assert client.get(ME, headers=_auth(api_token)).status_code == 401
    if "password" in change:
        fresh = _login(client, "engineer", "a-brand-new-password")
        assert client.get(ME, headers=_auth(fresh)).status_code == 200
        # reactivation after a deactivation does not revive old credentials either
    else:
        r = as_user("admin").patch(
            f"/api/v1/users/{users['engineer'].id}", json={"is_active": True}
        )
        assert r.status_code == 200
        assert client.get(ME, headers=_auth(jwt)).status_code == 401
        assert client.get(ME, headers=_auth(api_token)).status_code == 401


def test_admin_lists_and_revokes_any_users_tokens(
    client: TestClient, as_user: Callable[[str], TestClient], users: dict[str, User]
) -> None:
    jwt = _login(client, "quality", "quality-demo-pw")
    first, _ = _token(client, jwt, "first")
    second, secret = _token(client, jwt, "second")
    admin = as_user("admin")
    uid = users["quality"].id
    listed = admin.get(f"/api/v1/users/{uid}/tokens")
    assert listed.status_code == 200
    assert listed.json()["total"] == 2
    assert {t["id"] for t in listed.json()["items"]} == {first, second}
    assert "token" not in listed.json()["items"][0]
    revoked = admin.delete(f"/api/v1/users/{uid}/tokens/{second}")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert client.get(ME, headers=_auth(secret)).status_code == 401
    # a token of another user is not found under this one; non-admins are refused
    other = users["viewer"].id
    missing = admin.delete(f"/api/v1/users/{other}/tokens/{first}")
    assert missing.status_code == 404
    assert missing.json()["detail"]["code"] == "api_token_not_found"
    assert as_user("engineer").get(f"/api/v1/users/{uid}/tokens").status_code == 403
    again = admin.delete(f"/api/v1/users/{uid}/tokens/{second}")
    assert again.status_code == 409
    assert admin.get(f"/api/v1/users/{uid}/tokens").json()["total"] == 2


def test_two_admins_demoting_each_other_leave_one(
    as_user: Callable[[str], TestClient], users: dict[str, User], database: Database
) -> None:
    """Real concurrent connections (PostgreSQL: row locks decide; SQLite: BEGIN IMMEDIATE)."""
    admin, second = users["admin"], users["engineer"]
    r = as_user("admin").patch(f"/api/v1/users/{second.id}", json={"roles": ["admin"]})
    assert r.status_code == 200
    for _ in range(int(os.environ.get("YUANTUS_RACE_ROUNDS", "5"))):
        a, b = race(
            lambda: as_user("admin").patch(f"/api/v1/users/{second.id}", json={"roles": []}),
            lambda: as_user("engineer").patch(f"/api/v1/users/{admin.id}", json={"roles": []}),
        )
        assert sorted([a.status_code, b.status_code]) in ([200, 409], [200, 403]), (a, b)
        with database.scope() as s:
            admins = [u for u in s.scalars(select(User)) if "admin" in u.roles and u.is_active]
            assert len(admins) == 1
        # restore both admins for the next round
        survivor = admins[0].username
        loser = users["engineer" if survivor == "admin" else "admin"]
        fix = as_user(survivor).patch(f"/api/v1/users/{loser.id}", json={"roles": ["admin"]})
        assert fix.status_code == 200
