"""Role errors in one format, users without a role, API token expiry; on both databases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import bearer
from yuantus.core.db import Database, utcnow
from yuantus.identity import service
from yuantus.identity.models import User

API = "/api/v1"


def _forbidden(r: Any, code: str = "role_required") -> dict[str, Any]:
    assert r.status_code == 403, r.text
    detail: dict[str, Any] = r.json()["detail"]
    assert detail["code"] == code
    return detail


def test_role_errors_name_every_passing_role_in_one_format(
    as_user: Callable[[str], TestClient],
) -> None:
    # a router guard (admin only), a router guard of another domain, a lifecycle rule
    users = _forbidden(as_user("engineer").get(f"{API}/users"))
    assert users["message"] == "this action needs one of the roles: admin"
    assert users["context"] == {"required_roles": ["admin"], "user_roles": ["engineer"]}
    item = _forbidden(
        as_user("viewer").post(f"{API}/items", json={"item_type": "Part", "name": "X"})
    )
    assert item["message"] == "this action needs one of the roles: engineer, admin"
    assert item["context"]["required_roles"] == ["engineer", "admin"]
    assert item["context"]["user_roles"] == ["viewer"]
    part = as_user("engineer").post(f"{API}/items", json={"item_type": "Part", "name": "X"}).json()
    submit = as_user("approver").post(
        f"{API}/items/{part['id']}/transitions", json={"action": "submit"}
    )
    detail = _forbidden(submit)
    assert detail["message"] == "submit needs one of the roles: engineer, admin"
    assert detail["context"]["required_roles"] == ["engineer", "admin"]


def _roleless(database: Database) -> User:
    with database.scope() as s:
        user = service.create_user(s, "newbie", "longenough")
        s.expunge(user)
        return user


def test_a_user_without_a_role_reads_nothing_but_itself(
    app: Any, database: Database, users: dict[str, User]
) -> None:
    newbie = _roleless(database)
    with TestClient(app, headers=bearer(newbie)) as c:
        for path in ("/items", "/jobs", "/eco", "/workcenters", "/auth/tokens"):
            detail = _forbidden(c.get(f"{API}{path}"), "no_role")
            assert detail["message"] == "your account has no role yet: ask an admin for a role"
            assert detail["context"]["user_roles"] == []
            assert "viewer" in detail["context"]["required_roles"]
        me = c.get(f"{API}/auth/me")
        assert (me.status_code, me.json()["roles"]) == (200, [])
        # once given a role, the same token reads
        admin = TestClient(app, headers=bearer(users["admin"]))
        assert (
            admin.patch(f"{API}/users/{newbie.id}", json={"roles": ["viewer"]}).status_code == 200
        )
        assert c.get(f"{API}/items").status_code == 200


def test_api_tokens_expire_by_default(as_user: Callable[[str], TestClient], settings: Any) -> None:
    eng = as_user("engineer")
    before = utcnow()
    default = eng.post(f"{API}/auth/tokens", json={"name": "ci"})
    assert default.status_code == 201, default.text
    expires = default.json()["expires_at"]
    assert expires is not None
    from datetime import datetime

    when = datetime.fromisoformat(expires.replace("Z", "+00:00"))
    assert timedelta(days=90) <= when - before < timedelta(days=90, minutes=5)
    week = eng.post(f"{API}/auth/tokens", json={"name": "w", "expires_in_days": 7}).json()
    assert datetime.fromisoformat(week["expires_at"].replace("Z", "+00:00")) - before < timedelta(
        days=7, minutes=5
    )
    never = eng.post(f"{API}/auth/tokens", json={"name": "n", "never_expires": True})
    assert (never.status_code, never.json()["expires_at"]) == (201, None)
    both = eng.post(
        f"{API}/auth/tokens", json={"name": "b", "never_expires": True, "expires_in_days": 7}
    )
    assert both.status_code == 422
    assert "not both" in both.json()["detail"]["message"]
    # a null expiry is the default, never "no expiry": that must be asked for by name
    null = eng.post(f"{API}/auth/tokens", json={"name": "z", "expires_in_days": None})
    assert null.json()["expires_at"] is not None


def test_the_default_expiry_is_a_setting(
    app: Any, settings: Any, database: Database, users: dict[str, User]
) -> None:
    settings.api_token_default_days = 30
    with TestClient(app, headers=bearer(users["viewer"])) as c:
        before = utcnow()
        r = c.post(f"{API}/auth/tokens", json={"name": "ci"}).json()
    from datetime import datetime

    when = datetime.fromisoformat(r["expires_at"].replace("Z", "+00:00"))
    assert timedelta(days=30) <= when - before < timedelta(days=30, minutes=5)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Zq7!wx", "password must have at least 8 characters"),
        ("         ", "password must not be only whitespace"),
    ],
)
def test_the_api_and_the_cli_share_the_password_rule(
    as_user: Callable[[str], TestClient], password: str, message: str
) -> None:
    r = as_user("admin").post(f"{API}/users", json={"username": "wang", "password": password})
    assert r.status_code == 422
    (error,) = r.json()["detail"]["context"]["errors"]
    assert error == {
        "loc": ["body", "password"],
        "msg": f"Value error, {message}",
        "type": "value_error",
    }
    if password.strip():
        assert password not in r.text
