"""Helpers for ECO tests: released products, ECO calls over HTTP, stage lookups."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import release_four_eyes
from yuantus.core.db import Database
from yuantus.eco import effectivity
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.job import batch

Json = dict[str, Any]
Client = Callable[[str], TestClient]
ECO = "/api/v1/eco"
Clock = Callable[[datetime], None]


def release_item(
    database: Database, user: User, name: str, *, item_type: str = "Part", number: str | None = None
) -> str:
    """Create an item, submit it as `user` and release it as the approver; answer its id."""
    with database.scope() as s:
        item = item_service.create(s, item_type, name, item_number=number, user=user)
        release_four_eyes(s, item, user)
        return item.id


@pytest.fixture
def product(database: Database, users: dict[str, User]) -> str:
    """A released Part (revision A), the usual ECO source."""
    return release_item(database, users["engineer"], "Gearbox", number="GB-100")


def ok(response: Any, status: int = 200) -> Json:
    """The JSON body of a response that must have the given status."""
    assert response.status_code == status, response.text
    body: Json = response.json()
    return body


def error(response: Any, status: int, code: str | None = None) -> Json:
    """The structured error detail of a refused request."""
    assert response.status_code == status, response.text
    detail: Json = response.json()["detail"]
    if code is not None:
        assert detail["code"] == code, detail
    return detail


def create_eco(client: TestClient, product_id: str, **body: Any) -> Json:
    """POST /eco and answer the new ECO."""
    body.setdefault("name", "Stronger housing")
    body.setdefault("eco_type", "bom")
    return ok(client.post(ECO, json={"product_id": product_id, **body}), 201)


def stages(client: TestClient) -> dict[str, Json]:
    """The stages by name."""
    return {s["name"]: s for s in ok(client.get(f"{ECO}/stages"))["items"]}


def move(client: TestClient, eco_id: str, stage_id: str) -> Json:
    """Move an ECO to a stage (asserting success)."""
    return ok(
        client.post(f"{ECO}/{eco_id}/transitions", json={"action": "move", "stage_id": stage_id})
    )


def events(client: TestClient, eco_id: str) -> list[Json]:
    """An ECO's history."""
    items: list[Json] = ok(client.get(f"{ECO}/{eco_id}/events"))["items"]
    return items


def item(database: Database, item_id: str) -> tuple[str, bool]:
    """An item revision's (state, is_current) as stored."""
    with database.scope() as s:
        row = item_service.get(s, item_id)
        return row.state, row.is_current


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Move the clock of the job claim and of the switch (the worker runs in-process)."""

    def set_to(now: datetime) -> None:
        monkeypatch.setattr(batch, "utcnow", lambda: now)
        monkeypatch.setattr(effectivity, "utcnow", lambda: now)

    return set_to
