"""GET /audit: admin only, filtered, paged newest first; the log cannot be rewritten."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import exc, text

from yuantus.audit import service
from yuantus.audit.models import AuditEvent
from yuantus.core.db import Database
from yuantus.core.pagination import PageParams
from yuantus.identity.models import User

AUDIT = "/api/v1/audit"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _at(hour: int, minute: int = 0) -> datetime:
    return T0.replace(hour=hour, minute=minute)


def _seed(database: Database, users: dict[str, User]) -> None:
    """Five rows at known times (two at the same instant) by known actors."""
    admin, engineer = users["admin"], users["engineer"]
    rows = [
        ("e-1", "item", "P-1", "created", engineer, _at(9)),
        ("e-2", "item", "P-1", "updated", engineer, _at(10)),
        ("e-3", "item", "P-2", "created", admin, _at(10)),  # same instant as e-2
        ("e-4", "user", "U-1", "roles_changed", admin, _at(11)),
        ("e-5", "item", "P-1", "released", None, _at(12)),
    ]
    with database.scope() as s:
        # the users fixture's own rows are not part of these expectations
        for event_id, object_type, object_id, action, actor, at in rows:
            s.add(
                AuditEvent(
                    id=event_id,
                    object_type=object_type,
                    object_id=object_id,
                    action=action,
                    after={"n": event_id},
                    actor_id=actor.id if actor else None,
                    actor_name=actor.username if actor else None,
                    created_at=at,
                )
            )


def _ids(client: TestClient, **params: object) -> tuple[list[str], int]:
    r = client.get(AUDIT, params={"until": "2026-03-02T00:00:00Z", **params})
    assert r.status_code == 200, r.text
    body = r.json()
    return [e["id"] for e in body["items"]], body["total"]


def test_filters_and_newest_first_with_a_unique_tiebreak(
    as_user: Callable[[str], TestClient], users: dict[str, User], database: Database
) -> None:
    _seed(database, users)
    admin = as_user("admin")
    # e-2 and e-3 share a timestamp: the higher id comes first, on every page
    assert _ids(admin) == (["e-5", "e-4", "e-3", "e-2", "e-1"], 5)
    assert _ids(admin, limit=2) == (["e-5", "e-4"], 5)
    assert _ids(admin, limit=2, offset=2) == (["e-3", "e-2"], 5)
    assert _ids(admin, object_type="item", object_id="P-1") == (["e-5", "e-2", "e-1"], 3)
    assert _ids(admin, actor=users["admin"].id) == (["e-4", "e-3"], 2)
    assert _ids(admin, action="created") == (["e-3", "e-1"], 2)
    # since is inclusive, until exclusive; a zone-less time is read as UTC
    assert _ids(admin, since="2026-03-01T10:00:00Z", until="2026-03-01T12:00:00Z") == (
        ["e-4", "e-3", "e-2"],
        3,
    )
    assert _ids(admin, since="2026-03-01T11:00:00+01:00", until="2026-03-01T11:00:00") == (
        ["e-3", "e-2"],
        2,
    )
    first = admin.get(f"{AUDIT}/e-4").json()
    assert first == {
        "id": "e-4",
        "object_type": "user",
        "object_id": "U-1",
        # a row about a user names no item revision
        "object_number": None,
        "object_revision": None,
        "object_name": None,
        "scope_id": None,
        "action": "roles_changed",
        "before": None,
        "after": {"n": "e-4"},
        "actor_id": users["admin"].id,
        "actor_name": "admin",
        "request_id": None,
        "created_at": "2026-03-01T11:00:00Z",
    }
    assert admin.get(f"{AUDIT}/nope").json()["detail"]["code"] == "audit_event_not_found"


def test_bad_timestamps_are_422(as_user: Callable[[str], TestClient]) -> None:
    admin = as_user("admin")
    for params in ({"since": "yesterday"}, {"until": "2026-13-01T00:00:00Z"}):
        assert admin.get(AUDIT, params=params).status_code == 422


def test_only_admins_read_the_log(
    as_user: Callable[[str], TestClient], client: TestClient, users: dict[str, User]
) -> None:
    for name in ("engineer", "approver", "viewer"):
        r = as_user(name).get(AUDIT)
        assert r.status_code == 403
        assert r.json()["detail"]["code"] == "role_required"
        assert as_user(name).get(f"{AUDIT}/any").status_code == 403
    assert client.get(AUDIT).status_code == 401


def test_no_endpoint_changes_or_deletes_audit_rows(
    as_user: Callable[[str], TestClient], users: dict[str, User], database: Database
) -> None:
    _seed(database, users)
    admin = as_user("admin")
    for path in (AUDIT, f"{AUDIT}/e-1"):
        for method in ("PUT", "PATCH", "DELETE", "POST"):
            r = admin.request(method, path, json={"action": "erased"})
            assert r.status_code == 405, (method, path)
    assert admin.get(f"{AUDIT}/e-1").json()["action"] == "created"


def test_the_orm_refuses_to_change_or_delete_a_row(
    database: Database, users: dict[str, User]
) -> None:
    _seed(database, users)
    with database.session() as s:
        row = s.get_one(AuditEvent, "e-1")
        row.action = "rewritten"
        with pytest.raises(RuntimeError, match="append-only"):
            s.flush()
        s.rollback()
        s.delete(s.get_one(AuditEvent, "e-1"))
        with pytest.raises(RuntimeError, match="append-only"):
            s.flush()
        s.rollback()


def test_postgresql_refuses_raw_update_delete_and_truncate(
    database: Database, users: dict[str, User]
) -> None:
    if database.dialect != "postgresql":
        pytest.skip("the database-level guard is PostgreSQL's")
    _seed(database, users)
    for statement in (
        "UPDATE meta_audit_events SET action = 'rewritten' WHERE id = 'e-1'",
        "DELETE FROM meta_audit_events WHERE id = 'e-1'",
        "DELETE FROM meta_audit_events",
        "TRUNCATE meta_audit_events",
    ):
        with database.engine.connect() as conn:
            with pytest.raises(exc.ProgrammingError) as refused:
                conn.execute(text(statement))
            assert isinstance(refused.value.orig, psycopg.errors.InsufficientPrivilege)
            assert "meta_audit_events is append-only" in str(refused.value.orig)
            conn.rollback()
    with database.scope() as s:
        assert s.get_one(AuditEvent, "e-1").action == "created"
        assert len(service.list_events(s, service.AuditFilter(object_id="P-1"), _page())[0]) == 3


def test_record_redacts_secret_named_keys_at_any_depth(database: Database) -> None:
    with database.scope() as s:
        row = service.record(
            s,
            object_type="thing",
            object_id="T-1",
            action="updated",
            before={"password": "hunter2", "nested": [{"token": "ytk_x", "ok": 1}]},
            after={"api_key": "k", "when": T0},
            actor=service.NamedActor(username="sync"),
        )
    with database.scope() as s:
        stored = s.get_one(AuditEvent, row.id)
        assert stored.before == {
            "password": "[redacted]",
            "nested": [{"token": "[redacted]", "ok": 1}],
        }
        assert stored.after == {"api_key": "[redacted]", "when": "2026-03-01T08:00:00Z"}
        assert (stored.actor_id, stored.actor_name) == (None, "sync")


def _page() -> PageParams:
    return PageParams(limit=50)
