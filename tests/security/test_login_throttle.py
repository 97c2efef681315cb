"""Finding 1: login throttled per username and address, hashed outside the write lock."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from tests.conftest import JWT_SECRET, make_settings
from tests.helpers import race
from yuantus.audit.models import AuditEvent
from yuantus.core import security
from yuantus.core.db import Database, utcnow
from yuantus.core.settings import Settings
from yuantus.identity import service
from yuantus.identity.models import LoginThrottle, User

LOGIN = "/api/v1/auth/login"


@pytest.fixture
def settings(backend_url: str, tmp_path: Path) -> Settings:
    """3 free attempts per user, 6 per address, locks of 2 s doubling up to 8 s."""
    return make_settings(
        tmp_path / "data",
        backend_url,
        login_free_attempts_per_user=3,
        login_free_attempts_per_address=6,
        login_lockout_base_seconds=2,
        login_lockout_max_seconds=8,
    )


def _try(client: TestClient, username: str, password: str) -> tuple[int, dict[str, object], str]:
    r = client.post(LOGIN, json={"username": username, "password": password})
    return r.status_code, r.json(), r.headers.get("retry-after", "")


def _unlock(database: Database) -> None:
    """Let every lock run out (as if its seconds had passed)."""
    with database.scope() as s:
        s.execute(update(LoginThrottle).values(locked_until=utcnow() - timedelta(seconds=1)))


def test_lockout_grows_and_a_correct_password_does_not_bypass_it(
    client: TestClient, users: dict[str, User], database: Database
) -> None:
    for _ in range(3):
        assert _try(client, "engineer", "wrong-password")[0] == 401
    # the third failure locked the username for 2 s: even the right password is refused
    status, body, retry = _try(client, "engineer", "engineer-demo-pw")
    assert status == 429
    assert body["detail"]["code"] == "login_throttled"  # type: ignore[index]
    assert retry in {"1", "2"}
    _unlock(database)
    assert _try(client, "engineer", "wrong-password")[0] == 401  # 4th failure: 4 s
    assert _try(client, "engineer", "wrong-password")[2] in {"3", "4"}
    _unlock(database)
    assert _try(client, "engineer", "wrong-password")[0] == 401  # 5th: 8 s (the cap)
    assert _try(client, "engineer", "engineer-demo-pw")[2] in {"7", "8"}
    _unlock(database)
    assert _try(client, "engineer", "wrong-password")[0] == 401  # 6th: still the cap
    assert _try(client, "engineer", "engineer-demo-pw")[2] in {"7", "8"}


def test_success_forgets_the_username_failures(
    client: TestClient, users: dict[str, User], database: Database
) -> None:
    for _ in range(2):
        assert _try(client, "viewer", "wrong-password")[0] == 401
    assert _try(client, "viewer", "viewer-demo-pw")[0] == 200
    with database.scope() as s:
        assert s.get(LoginThrottle, "user:viewer") is None
    # two more failures are again within the free attempts
    for _ in range(2):
        assert _try(client, "viewer", "wrong-password")[0] == 401
    assert _try(client, "viewer", "viewer-demo-pw")[0] == 200


def test_one_address_trying_many_usernames_is_throttled(
    client: TestClient, users: dict[str, User]
) -> None:
    for name in ["a1", "a2", "a3", "a4", "a5", "a6"]:
        assert _try(client, name, "wrong-password")[0] == 401
    status, body, _ = _try(client, "quality", "quality-demo-pw")
    assert status == 429
    assert body["detail"]["context"] == {"retry_after": 2}  # type: ignore[index]


def test_failed_logins_are_audited_with_reason_and_address(
    client: TestClient, users: dict[str, User], database: Database
) -> None:
    _try(client, "engineer", "wrong-password")
    _try(client, "nobody", "wrong-password")
    _try(client, "engineer", "wrong-password")
    _try(client, "engineer", "wrong-password")
    assert _try(client, "engineer", "engineer-demo-pw")[0] == 429
    with database.scope() as s:
        rows = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "login_refused")
            .order_by(AuditEvent.created_at)
        ).all()
        afters = [r.after for r in rows]
    assert [a["reason"] for a in afters] == [
        "wrong_password",
        "unknown_user",
        "wrong_password",
        "wrong_password",
    ]
    assert {a["client_address"] for a in afters} == {"testclient"}
    assert [a["locked_for_seconds"] for a in afters] == [0, 0, 0, 2]


def test_concurrent_failures_are_all_counted(
    client: TestClient, users: dict[str, User], database: Database
) -> None:
    results = race(*[lambda: _try(client, "engineer", "wrong-password")[0]] * 8)
    assert all(r in {401, 429} for r in results), results
    with database.scope() as s:
        row = s.get(LoginThrottle, "user:engineer")
        assert row is not None
        assert row.failures == results.count(401)


def test_login_storm_does_not_fail_unrelated_reads(
    backend_url: str, tmp_path: Path, users: dict[str, User], database: Database
) -> None:
    """24 wrong-password logins against a real-cost argon2 hash beside 24 GETs: no 5xx."""
    from yuantus.app import create_app

    storm = make_settings(
        tmp_path / "storm",
        backend_url,
        login_free_attempts_per_user=1000,
        login_free_attempts_per_address=1000,
    )
    app = create_app(storm, database=database)
    with database.scope() as s:
        slow = service.create_user(s, "slow", None, roles=["viewer"])
        # the production hasher's cost, so each check holds a worker for real time
        slow.password_hash = PasswordHasher().hash("the-right-password")
    token, _ = security.create_access_token(users["viewer"].id, JWT_SECRET, 60)
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as c:
        logins = [lambda: c.post(LOGIN, json={"username": "slow", "password": "wrong-pw"})] * 24
        reads = [lambda: c.get("/api/v1/auth/me", headers=headers)] * 24
        results = race(*logins, *reads, timeout=120)
    assert [r.status_code for r in results[:24]] == [401] * 24, results[:24]
    assert [r.status_code for r in results[24:]] == [200] * 24
    with database.scope() as s:
        refused = select(func.count()).select_from(AuditEvent)
        assert s.scalar(refused.where(AuditEvent.action == "login_refused")) == 24
