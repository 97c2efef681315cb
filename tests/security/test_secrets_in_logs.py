"""Finding 8: no password, argon2 hash, API token or JWT in any log record."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError

from tests.helpers import race
from yuantus.core import security
from yuantus.core.db import Database
from yuantus.identity.models import User

SECRET = re.compile(r"\$argon2|ytk_[\w-]{8,}|eyJ[\w-]+\.eyJ[\w-]+\.")


def leaks(records: list[logging.LogRecord], *plain: str) -> list[str]:
    """The log lines (message and traceback) that show a secret."""
    out = []
    for record in records:
        line = (
            record.getMessage()
            + "\n"
            + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        )
        if SECRET.search(line) or any(p in line for p in plain):
            out.append(line)
    return out


def test_a_realistic_run_logs_no_secret(
    client: TestClient,
    as_user: Callable[[str], TestClient],
    users: dict[str, User],
    database: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    admin = as_user("admin")
    password = "correct-horse-battery"
    created = admin.post(
        "/api/v1/users", json={"username": "li", "password": password, "roles": ["viewer"]}
    )
    assert created.status_code == 201
    login = client.post("/api/v1/auth/login", json={"username": "li", "password": password})
    assert login.status_code == 200
    jwt = login.json()["access_token"]
    wrong = client.post("/api/v1/auth/login", json={"username": "li", "password": "guess-1234"})
    assert wrong.status_code == 401
    token = client.post(
        "/api/v1/auth/tokens", json={"name": "ci"}, headers={"Authorization": f"Bearer {jwt}"}
    ).json()["token"]
    assert (
        client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    # the loser of a user-create race: the database refuses its insert (with the hash in it)
    racers = race(
        *[
            lambda: admin.post("/api/v1/users", json={"username": "twin", "password": password})
            for _ in range(4)
        ]
    )
    assert sorted(r.status_code for r in racers)[0] == 201
    # a failed insert logged with its traceback, as a job or a CLI would
    with database.session() as s:
        s.add(User(username="li", password_hash=security.hash_password(password), roles=[]))
        try:
            s.flush()
        except IntegrityError:
            logging.getLogger("yuantus.test").exception("insert failed")
            s.rollback()
    assert "insert failed" in caplog.text
    assert leaks(caplog.records, password, "guess-1234", jwt, token) == []
