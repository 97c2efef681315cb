"""Users administration: admins manage accounts and roles."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from yuantus.core.db import Database
from yuantus.identity.models import User


def _count_users(database: Database) -> int:
    from sqlalchemy import func, select

    with database.session() as s:
        return int(s.scalar(select(func.count()).select_from(User)) or 0)


def test_admin_creates_user_who_can_log_in(
    as_user: Callable[[str], TestClient], client: TestClient
) -> None:
    body = {
        "username": "li.wei",
        "password": "s3cret-pass",
        "email": "li.wei@example.com",
        "full_name": "Li Wei",
        "roles": ["engineer", "approver"],
    }
    r = as_user("admin").post("/api/v1/users", json=body)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["roles"] == ["engineer", "approver"]
    assert created["is_active"] is True
    login = client.post(
        "/api/v1/auth/login", json={"username": "li.wei", "password": "s3cret-pass"}
    )
    assert login.status_code == 200


def test_list_get_and_patch_users(
    as_user: Callable[[str], TestClient], users: dict[str, User]
) -> None:
    admin = as_user("admin")
    listed = admin.get("/api/v1/users", params={"limit": 2, "offset": 1}).json()
    assert listed["total"] == 7  # one demo user per role, sync included
    assert [u["username"] for u in listed["items"]] == ["approver", "engineer"]
    uid = users["viewer"].id
    assert admin.get(f"/api/v1/users/{uid}").json()["username"] == "viewer"
    r = admin.patch(
        f"/api/v1/users/{uid}", json={"roles": ["quality", "viewer"], "password": "newpass12"}
    )
    assert r.status_code == 200
    assert r.json()["roles"] == ["quality", "viewer"]


def test_password_change_takes_effect(
    as_user: Callable[[str], TestClient], client: TestClient, users: dict[str, User]
) -> None:
    as_user("admin").patch(f"/api/v1/users/{users['viewer'].id}", json={"password": "brand-new-pw"})
    old = client.post(
        "/api/v1/auth/login", json={"username": "viewer", "password": "viewer-demo-pw"}
    )
    new = client.post("/api/v1/auth/login", json={"username": "viewer", "password": "brand-new-pw"})
    assert (old.status_code, new.status_code) == (401, 200)


def test_non_admin_is_refused_with_roles_needed(as_user: Callable[[str], TestClient]) -> None:
    r = as_user("engineer").get("/api/v1/users")
    assert r.status_code == 403
    detail = r.json()["detail"]
    assert detail["code"] == "role_required"
    assert detail["context"]["required_roles"] == ["admin"]


def test_duplicate_username_is_409_and_writes_nothing(
    as_user: Callable[[str], TestClient], database: Database
) -> None:
    before = _count_users(database)
    r = as_user("admin").post(
        "/api/v1/users", json={"username": "engineer", "password": "whatever1"}
    )
    assert r.status_code == 409
    assert r.json()["detail"]["code"] == "username_taken"
    assert _count_users(database) == before


def test_bad_user_input_is_422_and_writes_nothing(
    as_user: Callable[[str], TestClient], database: Database
) -> None:
    admin = as_user("admin")
    before = _count_users(database)
    bad_bodies = [
        {"username": "", "password": "longenough"},
        {"username": "x" * 65, "password": "longenough"},
        {"username": "ok", "password": "short"},
        {"username": "ok", "password": "longenough", "roles": ["wizard"]},
        {"username": "ok", "password": "longenough", "email": "not-an-email"},
        {"username": "has space", "password": "longenough"},
        {"username": "ok", "password": "longenough", "unexpected": 1},
    ]
    for body in bad_bodies:
        r = admin.post("/api/v1/users", json=body)
        assert r.status_code == 422, body
    assert admin.patch("/api/v1/users/does-not-exist", json={"is_active": False}).status_code == 404
    assert _count_users(database) == before


def test_unknown_user_is_404(as_user: Callable[[str], TestClient]) -> None:
    r = as_user("admin").get("/api/v1/users/00000000-0000-0000-0000-000000000000")
    assert r.status_code == 404
    assert r.json()["detail"]["code"] == "user_not_found"


def test_last_active_admin_cannot_be_removed(
    as_user: Callable[[str], TestClient], users: dict[str, User]
) -> None:
    admin = as_user("admin")
    admin_id = users["admin"].id
    r = admin.patch(f"/api/v1/users/{admin_id}", json={"is_active": False})
    assert r.status_code == 409
    assert r.json()["detail"]["code"] == "last_admin"
    assert admin.patch(f"/api/v1/users/{admin_id}", json={"roles": ["viewer"]}).status_code == 409
    assert admin.get("/api/v1/auth/me").json()["roles"] == ["admin"]
    # with a second admin the first may step down
    admin.patch(f"/api/v1/users/{users['engineer'].id}", json={"roles": ["admin", "engineer"]})
    assert admin.patch(f"/api/v1/users/{admin_id}", json={"roles": ["viewer"]}).status_code == 200
