"""The event log: written with each transition in its transaction, read through GET /events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.helpers import release_four_eyes
from yuantus.core.db import Database
from yuantus.core.errors import YuantusError
from yuantus.core.hooks import Block
from yuantus.event.models import Event
from yuantus.identity.models import User
from yuantus.item import service as item_service

API = "/api/v1"
Client = Callable[[str], TestClient]


def _events(c: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = c.get(f"{API}/events", params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _released_part(database: Database, number: str) -> str:
    with database.scope() as s:
        item = item_service.create(s, "Part", f"{number} name", item_number=number)
        release_four_eyes(s, item)
        return item.id


def test_an_item_release_writes_its_events_with_numbers_and_the_actor(
    as_user: Client, database: Database, users: dict[str, User]
) -> None:
    item_id = _released_part(database, "P-100")
    rows = _events(as_user("viewer"), object_id=item_id, sort="created_at")
    assert [r["type"] for r in rows] == ["item.submitted", "item.released"]
    released = rows[1]
    assert released["object_type"] == "ITEM"
    assert released["actor_name"] == "approver"
    assert released["payload"] == {
        "action": "release",
        "from_state": "InReview",
        "to_state": "Released",
        "item_number": "P-100",
        "revision": "A",
        "name": "P-100 name",
    }


def test_a_refused_transition_leaves_no_event(database: Database, users: dict[str, User]) -> None:
    def veto(_session: Any, _t: Any) -> Block:
        return Block("vetoed", "no releases today")

    with database.scope() as s:
        item = item_service.create(s, "Part", "vetoed", item_number="P-200")
        item_service.transition(s, item, "submit", users["engineer"])
    with (
        item_service.item_hooks.registered("before", veto, points=["item.release"]),
        pytest.raises(YuantusError),
        database.scope() as s,
    ):
        item_service.transition(s, item_service.get(s, item.id), "release", users["approver"])
    with database.scope() as s:
        types = s.scalars(select(Event.type).where(Event.object_id == item.id)).all()
        assert types == ["item.submitted"]


def test_the_list_filters_by_pattern_object_and_since(
    as_user: Client, database: Database, users: dict[str, User]
) -> None:
    first = _released_part(database, "P-1")
    _released_part(database, "P-2")
    v = as_user("viewer")
    assert len(_events(v, type="item.*")) == 4
    assert len(_events(v, type="*.released")) == 2
    assert len(_events(v, type="item.released", object_id=first)) == 1
    assert _events(v, type="eco.*") == []
    newest = _events(v)[0]
    assert len(_events(v, since=newest["created_at"])) >= 1
    body = v.get(f"{API}/events", params={"limit": 1}).json()
    assert (body["total"], body["limit"], len(body["items"])) == (4, 1, 1)
    for params, code in (
        ({"type": "item released"}, "invalid_event_pattern"),
        ({"since": "yesterday"}, "validation_failed"),
        ({"since": "2026-12-01T10:00:00"}, "validation_failed"),
        ({"sort": "actor"}, "invalid_sort"),
        ({"kind": "x"}, "unknown_parameter"),
    ):
        response = v.get(f"{API}/events", params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.json()["detail"]["code"] == code
    # the SQL LIKE wildcards in a type are literal
    assert _events(v, type="item_released") == []


def test_events_are_append_only(database: Database, users: dict[str, User]) -> None:
    _released_part(database, "P-9")
    with database.scope() as s:
        row = s.scalars(select(Event)).first()
        assert row is not None
        row.type = "forged"
        with pytest.raises(RuntimeError, match="append-only"):
            s.flush()
        s.rollback()
    with database.scope() as s:
        assert s.scalar(select(func.count()).where(Event.type == "forged")) == 0
