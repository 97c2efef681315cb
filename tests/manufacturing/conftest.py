"""Helpers for manufacturing tests: products made through the item service, HTTP shortcuts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.helpers import release_four_eyes
from yuantus.core.db import Base, Database
from yuantus.item import service as item_service
from yuantus.item.models import Item

Json = dict[str, Any]
Client = Callable[[str], TestClient]
API = "/api/v1"


def make_part(database: Database, number: str, *, release: bool = True, kind: str = "Part") -> Json:
    """A committed item (revision A), released unless asked not to; answers id and config_id."""
    with database.scope() as s:
        item = item_service.create(s, kind, f"{number} name", item_number=number)
        if release:
            _release(s, item)
        return {"id": item.id, "config_id": item.config_id, "item_number": number}


def revise_and_release(database: Database, item_id: str) -> Json:
    """Open and release the next revision of a released item; answers the new revision."""
    with database.scope() as s:
        target = item_service.revise(s, item_service.get(s, item_id), None)
        _release(s, target)
        return {"id": target.id, "config_id": target.config_id, "revision": target.revision}


def _release(session: Any, item: Item) -> None:
    release_four_eyes(session, item)


def count(database: Database, model: type[Base]) -> int:
    """Rows in a model's table."""
    with database.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def ok(response: Any, status: int = 200) -> Json:
    """The JSON of a response that must have the given status."""
    assert response.status_code == status, response.text
    body: Json = response.json()
    return body


def refused(response: Any, status: int, code: str | None = None) -> Json:
    """The error detail of a response that must be refused with the status (and code)."""
    assert response.status_code == status, response.text
    detail: Json = response.json()["detail"]
    if code is not None:
        assert detail["code"] == code, detail
    return detail


@pytest.fixture
def eng(as_user: Client) -> TestClient:
    """The engineer's client."""
    return as_user("engineer")


@pytest.fixture
def workcenter(eng: TestClient) -> Callable[..., Json]:
    """A factory of work centers over HTTP."""

    def make(code: str, **body: Any) -> Json:
        body.setdefault("name", f"{code} center")
        return ok(eng.post(f"{API}/workcenters", json={"code": code, **body}), 201)

    return make


@pytest.fixture
def routing(eng: TestClient) -> Callable[..., Json]:
    """A factory of routings over HTTP, optionally with operations and released."""

    def make(
        product_id: str,
        code: str,
        *,
        operations: list[Json] | None = None,
        release: bool = False,
        **body: Any,
    ) -> Json:
        body.setdefault("name", f"{code} routing")
        created = ok(
            eng.post(
                f"{API}/routings", json={"product_id": product_id, "routing_code": code, **body}
            ),
            201,
        )
        for op in operations or []:
            ok(eng.post(f"{API}/routings/{created['id']}/operations", json=op), 201)
        if release:
            return ok(
                eng.post(f"{API}/routings/{created['id']}/transitions", json={"action": "release"})
            )
        return ok(eng.get(f"{API}/routings/{created['id']}"))

    return make
