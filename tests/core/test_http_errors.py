"""Every failure answers in one structured shape, with the right status."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from yuantus.core.db import Database
from yuantus.core.deps import SessionDep
from yuantus.core.errors import Conflict
from yuantus.core.http import TransactionalRoute
from yuantus.identity import service as identity_service
from yuantus.identity.models import User


def test_unknown_route_is_structured_404(client: TestClient) -> None:
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert r.json() == {"detail": {"code": "not_found", "message": "Not Found", "context": {}}}


def test_wrong_method_is_405(client: TestClient) -> None:
    r = client.put("/api/v1/health")
    assert r.status_code == 405
    assert r.json()["detail"]["code"] == "method_not_allowed"


def test_bad_json_is_422_in_the_house_shape(client: TestClient) -> None:
    r = client.post(
        "/api/v1/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422
    assert r.json()["detail"]["code"] == "validation_failed"
    r = client.post("/api/v1/auth/login", json={"username": 5})
    assert r.status_code == 422
    errors = r.json()["detail"]["context"]["errors"]
    assert {e["type"] for e in errors} == {"string_type", "missing"}


def test_request_id_is_echoed_or_generated(client: TestClient) -> None:
    assert (
        client.get("/api/v1/health", headers={"X-Request-ID": "abc123"}).headers["x-request-id"]
        == "abc123"
    )
    assert len(client.get("/api/v1/health").headers["x-request-id"]) == 32


def _count_users(database: Database) -> int:
    with database.session() as s:
        return int(s.scalar(select(func.count()).select_from(User)) or 0)


@pytest.fixture
def crashing_app(app: FastAPI) -> FastAPI:
    """The app plus endpoints that write and then fail, to observe rollback."""
    router = APIRouter(route_class=TransactionalRoute)

    @router.post("/test/write-then-crash")
    def write_then_crash(session: SessionDep) -> None:
        identity_service.create_user(session, "ghost", "longenough")
        raise RuntimeError("boom: internal detail that must not leak")

    @router.post("/test/write-then-conflict")
    def write_then_conflict(session: SessionDep) -> None:
        identity_service.create_user(session, "ghost2", "longenough")
        raise Conflict("nope", code="test_conflict")

    app.include_router(router, prefix="/api/v1")
    return app


def test_unexpected_error_is_500_without_internals_and_rolls_back(
    crashing_app: FastAPI, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with TestClient(crashing_app, raise_server_exceptions=False) as c:
        r = c.post("/api/v1/test/write-then-crash")
    assert r.status_code == 500
    detail = r.json()["detail"]
    assert detail["code"] == "internal_error"
    assert "boom" not in r.text
    assert detail["context"]["request_id"] == r.headers["x-request-id"]
    assert any(detail["context"]["request_id"] in rec.getMessage() for rec in caplog.records)
    assert _count_users(database) == 0


def test_domain_error_rolls_back_the_request(crashing_app: FastAPI, database: Database) -> None:
    with TestClient(crashing_app) as c:
        r = c.post("/api/v1/test/write-then-conflict")
    assert r.status_code == 409
    assert r.json()["detail"] == {"code": "test_conflict", "message": "nope", "context": {}}
    assert _count_users(database) == 0


def test_health_is_503_when_database_is_down(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    db = app.state.db

    def broken_connect() -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.read_engine, "connect", broken_connect)
    with TestClient(app) as c:
        r = c.get("/api/v1/health")
    assert r.status_code == 503
    assert r.json()["status"] == "degraded"
    assert r.json()["database"].startswith("error")


def test_docs_and_health_need_no_auth(client: TestClient) -> None:
    assert client.get("/api/v1/health").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200


def test_every_other_endpoint_needs_auth(app: FastAPI, client: TestClient) -> None:
    # probes are anonymous (a load balancer, kubelet); /metrics takes its own token
    public = {"/api/v1/health", "/api/v1/health/live", "/api/v1/health/ready", "/api/v1/auth/login"}
    checked = 0
    for path, operations in app.openapi()["paths"].items():
        if path in public:
            continue
        url = path.replace("{", "").replace("}", "")
        for method in operations:
            r = client.request(method.upper(), url)
            assert r.status_code == 401, (method, path, r.status_code)
            checked += 1
    assert checked >= 8


def test_role_guard_names_the_roles(as_user: Callable[[str], TestClient]) -> None:
    r = as_user("viewer").post("/api/v1/users", json={"username": "x", "password": "longenough"})
    assert r.status_code == 403
    assert r.json()["detail"]["context"]["required_roles"] == ["admin"]


def test_huge_offset_is_422_not_a_database_overflow(as_user: Callable[[str], TestClient]) -> None:
    """Found by schemathesis: an offset past the integer range used to crash with 500."""
    r = as_user("admin").get("/api/v1/users", params={"offset": 10**24})
    assert r.status_code == 422
    assert as_user("admin").get("/api/v1/users", params={"offset": 10**9}).json()["items"] == []


def test_patch_refuses_null_for_a_field_that_cannot_be_empty(
    as_user: Callable[[str], TestClient], users: dict[str, User]
) -> None:
    """null is not "leave unchanged": it is refused with 422, and nothing changes."""
    admin = as_user("admin")
    url = f"/api/v1/users/{users['viewer'].id}"
    r = admin.patch(url, json={"roles": None})
    assert r.status_code == 422
    assert "cannot be null" in r.text
    assert admin.get(url).json()["roles"] == ["viewer"]
