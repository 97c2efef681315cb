"""Writes that survive a rollback, at the session_scope and HTTP transaction boundaries."""

from __future__ import annotations

import logging

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from yuantus.app import API_PREFIX
from yuantus.audit import service as audit
from yuantus.audit.models import AuditEvent
from yuantus.core.db import Database
from yuantus.core.deps import SessionDep
from yuantus.core.errors import AfterRollbackWrite, Conflict, YuantusError
from yuantus.core.http import TransactionalRoute


def _keep(action: str) -> AfterRollbackWrite:
    """An after-rollback write: one audit row with this action."""
    return lambda s: audit.record(s, object_type="test", object_id="t1", action=action)


def _fail(session: Session) -> None:
    session.execute(text("INSERT INTO no_such_table VALUES (1)"))


def _actions(database: Database) -> list[str]:
    with database.scope() as s:
        return sorted(s.scalars(select(AuditEvent.action)))


def _write_then_raise(database: Database, error: BaseException) -> None:
    """A transaction that writes an audit row, then fails with the error."""
    with database.scope() as s:
        audit.record(s, object_type="test", object_id="t1", action="rolled_back")
        s.flush()
        raise error


def test_session_scope_rolls_back_then_runs_the_errors_writes(database: Database) -> None:
    refusal = Conflict("no", code="refused")
    refusal.persist_after_rollback(_keep("kept"))
    refusal.persist_after_rollback(_keep("kept_too"))
    with pytest.raises(Conflict) as raised:
        _write_then_raise(database, refusal)
    assert raised.value is refusal, "the original error reaches the caller"
    assert _actions(database) == ["kept", "kept_too"]
    assert refusal.after_rollback == [], "handed over once: an outer boundary does not repeat it"


def test_a_failing_write_is_logged_and_the_original_error_stands(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    refusal = Conflict("no", code="refused").persist_after_rollback(_fail)
    refusal.persist_after_rollback(_keep("lost_with_its_neighbour"))
    with caplog.at_level(logging.ERROR, "yuantus.rollback"), pytest.raises(Conflict) as raised:
        _write_then_raise(database, refusal)
    assert raised.value is refusal
    assert _actions(database) == [], "the writes of one error commit together or not at all"
    assert "after-rollback write of Conflict 'refused' failed" in caplog.text


def test_errors_without_writes_and_other_exceptions_only_roll_back(database: Database) -> None:
    with pytest.raises(RuntimeError):
        _write_then_raise(database, RuntimeError("boom"))
    with pytest.raises(YuantusError):
        _write_then_raise(database, YuantusError("plain"))
    assert _actions(database) == []


def _refusing_app(app: FastAPI) -> FastAPI:
    """The application plus one route that writes, then refuses with writes of its own."""
    router = APIRouter(route_class=TransactionalRoute)

    @router.post("/test/refuse-after-write")
    def refuse_after_write(session: SessionDep, fail: bool = False) -> None:
        audit.record(session, object_type="test", object_id="t1", action="rolled_back")
        session.flush()
        error = Conflict("refused here", code="test_refused", context={"why": "test"})
        if fail:
            error.persist_after_rollback(_fail)
        raise error.persist_after_rollback(_keep("kept"))

    app.include_router(router, prefix=API_PREFIX)
    return app


def test_http_answers_the_error_and_keeps_its_writes(app: FastAPI, database: Database) -> None:
    with TestClient(_refusing_app(app)) as client:
        r = client.post(f"{API_PREFIX}/test/refuse-after-write", headers={"X-Request-ID": "rq-1"})
    assert r.status_code == 409
    assert r.json() == {
        "detail": {"code": "test_refused", "message": "refused here", "context": {"why": "test"}}
    }
    with database.scope() as s:
        rows = s.scalars(select(AuditEvent)).all()
        assert [(e.action, e.request_id) for e in rows] == [("kept", "rq-1")]


def test_http_logs_a_failing_write_with_the_request_id(
    app: FastAPI, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.ERROR, "yuantus.rollback"),
        TestClient(_refusing_app(app)) as client,
    ):
        r = client.post(
            f"{API_PREFIX}/test/refuse-after-write",
            params={"fail": True},
            headers={"X-Request-ID": "rq-2"},
        )
    assert r.status_code == 409, "the original error, not a 500"
    assert r.json()["detail"]["code"] == "test_refused"
    assert "request_id=rq-2" in caplog.text
    assert _actions(database) == []
