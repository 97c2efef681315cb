"""Login, me, API tokens: the ways a person or a machine signs in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import jwt
from fastapi.testclient import TestClient

from tests.conftest import JWT_SECRET
from yuantus.core.db import Database, utcnow
from yuantus.identity.models import ApiToken, User


def _login(client: TestClient, username: str, password: str) -> dict[str, object]:
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def test_login_then_me(client: TestClient, users: dict[str, User]) -> None:
    body = _login(client, "engineer", "engineer-demo-pw")
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    r = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert r.status_code == 200
    me = r.json()
    assert me["username"] == "engineer"
    assert me["roles"] == ["engineer"]
    assert "password_hash" not in me


def test_wrong_password_and_unknown_user_answer_the_same(
    client: TestClient, users: dict[str, User]
) -> None:
    wrong = client.post("/api/v1/auth/login", json={"username": "engineer", "password": "nope"})
    unknown = client.post("/api/v1/auth/login", json={"username": "ghost", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["detail"]["code"] == "invalid_credentials"


def test_endpoints_need_a_token(client: TestClient) -> None:
    r = client.get("/api/v1/auth/me")
    assert r.status_code == 401
    assert r.json()["detail"]["code"] == "not_authenticated"
    assert r.headers["www-authenticate"] == "Bearer"


def test_malformed_and_expired_tokens_are_401(client: TestClient, users: dict[str, User]) -> None:
    bad = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not-a-jwt"})
    assert bad.status_code == 401
    assert bad.json()["detail"]["code"] == "invalid_token"
    past = utcnow() - timedelta(minutes=5)
    expired = jwt.encode(
        {"sub": users["engineer"].id, "exp": past, "iat": past, "typ": "access"},
        JWT_SECRET,
        algorithm="HS256",
    )
    r = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401
    assert r.json()["detail"]["code"] == "token_expired"
    forged = jwt.encode(
        {"sub": users["admin"].id, "exp": utcnow() + timedelta(hours=1), "typ": "access"},
        "another-secret-of-sufficient-length-xxxxxxxx",
        algorithm="HS256",
    )
    r = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401


def test_api_token_create_use_list_revoke(
    client: TestClient, as_user: Callable[[str], TestClient], database: Database
) -> None:
    eng = as_user("engineer")
    r = eng.post("/api/v1/auth/tokens", json={"name": "ci job", "expires_in_days": 30})
    assert r.status_code == 201, r.text
    created = r.json()
    token = created["token"]
    assert token.startswith("ytk_")
    assert created["token_prefix"] == token[:12]
    # only the hash is stored
    with database.session() as s:
        row = s.get(ApiToken, created["id"])
        assert row is not None
        assert token not in (row.token_hash, row.token_prefix)
    machine = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/auth/me", headers=machine).json()["username"] == "engineer"
    listed = eng.get("/api/v1/auth/tokens").json()
    assert listed["total"] == 1
    assert "token" not in listed["items"][0]
    assert listed["items"][0]["last_used_at"] is not None
    assert eng.delete(f"/api/v1/auth/tokens/{created['id']}").status_code == 200
    r = client.get("/api/v1/auth/me", headers=machine)
    assert r.status_code == 401
    assert eng.delete(f"/api/v1/auth/tokens/{created['id']}").status_code == 409


def test_cannot_revoke_someone_elses_token(as_user: Callable[[str], TestClient]) -> None:
    created = as_user("engineer").post("/api/v1/auth/tokens", json={"name": "mine"}).json()
    r = as_user("viewer").delete(f"/api/v1/auth/tokens/{created['id']}")
    assert r.status_code == 404


def test_expired_api_token_is_refused(
    client: TestClient, as_user: Callable[[str], TestClient], database: Database
) -> None:
    created = as_user("engineer").post("/api/v1/auth/tokens", json={"name": "short"}).json()
    with database.scope() as s:
        row = s.get(ApiToken, created["id"])
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
    r = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {created['token']}"})
    assert r.status_code == 401
    assert r.json()["detail"]["code"] == "token_expired"


def test_deactivated_user_tokens_stop_working_at_once(
    client: TestClient, as_user: Callable[[str], TestClient], users: dict[str, User]
) -> None:
    jwt_token = _login(client, "quality", "quality-demo-pw")["access_token"]
    api_token = as_user("quality").post("/api/v1/auth/tokens", json={"name": "t"}).json()["token"]
    r = as_user("admin").patch(f"/api/v1/users/{users['quality'].id}", json={"is_active": False})
    assert r.status_code == 200
    for token in (jwt_token, api_token):
        r = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401
    r = client.post(
        "/api/v1/auth/login", json={"username": "quality", "password": "quality-demo-pw"}
    )
    assert r.status_code == 401


def test_token_name_is_validated(as_user: Callable[[str], TestClient]) -> None:
    eng = as_user("engineer")
    assert eng.post("/api/v1/auth/tokens", json={"name": ""}).status_code == 422
    assert eng.post("/api/v1/auth/tokens", json={"name": "x" * 101}).status_code == 422
    assert (
        eng.post("/api/v1/auth/tokens", json={"name": "x", "expires_in_days": 0}).status_code == 422
    )
    assert eng.get("/api/v1/auth/tokens").json()["total"] == 0
