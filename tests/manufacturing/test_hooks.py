"""Hooks on routing release and every work-order transition, over HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import bearer
from tests.hook_helpers import blocker, crasher, hooked, recording, warner
from tests.manufacturing.conftest import API, Json, make_part, ok, refused
from yuantus.core.db import Database
from yuantus.core.hooks import Phase
from yuantus.identity.models import User
from yuantus.manufacturing.hooks import routing_hooks, workorder_hooks
from yuantus.manufacturing.models import Routing, WorkOrder

Factory = Callable[..., Json]
# action -> (actions to take first, from state, to state)
WO_MOVES = {
    "release": ([], "draft", "released"),
    "start": (["release"], "released", "in_progress"),
    "complete": (["release", "start"], "in_progress", "done"),
    "cancel": (["release"], "released", "canceled"),
}


@pytest.fixture
def draft_routing(database: Database, workcenter: Factory, routing: Factory) -> Json:
    """A draft primary routing with one operation, of a released product."""
    product = make_part(database, "ASM-1")
    wc = workcenter("CNC")
    ops = [{"operation_number": 10, "name": "Mill", "workcenter_id": wc["id"]}]
    made = routing(product["id"], "RT-1", is_primary=True, operations=ops)
    return {**made, "product_id": product["id"]}


def _routing_state(database: Database, routing_id: str) -> tuple[str, object]:
    with database.scope() as s:
        row = s.execute(
            select(Routing.state, Routing.released_at).where(Routing.id == routing_id)
        ).one()
        return row.state, row.released_at


def _order(eng: TestClient, draft_routing: Json, through: list[str]) -> str:
    ok(eng.post(f"{API}/routings/{draft_routing['id']}/transitions", json={"action": "release"}))
    order = ok(
        eng.post(
            f"{API}/workorders",
            json={"product_id": draft_routing["product_id"], "quantity": 2},
        ),
        201,
    )
    for step in through:
        ok(eng.post(f"{API}/workorders/{order['id']}/transitions", json={"action": step}))
    return str(order["id"])


def _status(database: Database, order_id: str) -> tuple[str, object, str]:
    with database.scope() as s:
        row = s.execute(
            select(WorkOrder.state, WorkOrder.released_at, WorkOrder.product_item_id).where(
                WorkOrder.id == order_id
            )
        ).one()
        return row.state, row.released_at, row.product_item_id


def test_routing_release_fires_before_and_after_and_returns_warnings(
    eng: TestClient, users: dict[str, User], draft_routing: Json
) -> None:
    with (
        recording(routing_hooks) as seen,
        hooked(routing_hooks, ("after", warner("no setup sheet"))),
    ):
        answer = ok(
            eng.post(
                f"{API}/routings/{draft_routing['id']}/transitions", json={"action": "release"}
            )
        )
    assert answer["state"] == "released"
    assert answer["warnings"] == ["no setup sheet on routing.release"]
    assert [op["operation_number"] for op in answer["operations"]] == [10]
    uid = users["engineer"].id
    assert seen == [
        ("before", "routing.release", "draft", "released", None, None, uid),
        ("after", "routing.release", "draft", "released", None, None, uid),
    ]


@pytest.mark.parametrize("phase", ["before", "after"])
def test_routing_release_blocked_or_crashing_leaves_the_draft(
    app: FastAPI,
    eng: TestClient,
    database: Database,
    users: dict[str, User],
    draft_routing: Json,
    phase: Phase,
) -> None:
    url = f"{API}/routings/{draft_routing['id']}/transitions"
    with hooked(routing_hooks, (phase, blocker())):
        detail = refused(eng.post(url, json={"action": "release"}), 409, "held_by_quality")
    assert detail == {
        "code": "held_by_quality",
        "message": f"quality holds {draft_routing['id']}",
        "context": {"point": "routing.release"},
    }
    assert _routing_state(database, draft_routing["id"]) == ("draft", None)
    client = TestClient(app, headers=bearer(users["engineer"]), raise_server_exceptions=False)
    with hooked(routing_hooks, (phase, crasher)), client:
        assert client.post(url, json={"action": "release"}).status_code == 500
    assert _routing_state(database, draft_routing["id"]) == ("draft", None)


@pytest.mark.parametrize("action", sorted(WO_MOVES))
def test_every_workorder_transition_fires_before_and_after_with_its_transition(
    eng: TestClient, users: dict[str, User], draft_routing: Json, action: str
) -> None:
    through, from_status, to_status = WO_MOVES[action]
    order_id = _order(eng, draft_routing, through)
    with recording(workorder_hooks) as seen, hooked(workorder_hooks, ("before", warner("late"))):
        answer = ok(eng.post(f"{API}/workorders/{order_id}/transitions", json={"action": action}))
    assert (answer["state"], answer["warnings"]) == (to_status, [f"late on workorder.{action}"])
    uid, point = users["engineer"].id, f"workorder.{action}"
    assert seen == [
        ("before", point, from_status, to_status, None, None, uid),
        ("after", point, from_status, to_status, None, None, uid),
    ]


@pytest.mark.parametrize("phase", ["before", "after"])
def test_workorder_release_blocked_or_crashing_pins_nothing(
    app: FastAPI,
    eng: TestClient,
    database: Database,
    users: dict[str, User],
    draft_routing: Json,
    phase: Phase,
) -> None:
    order_id = _order(eng, draft_routing, [])
    stored = _status(database, order_id)
    assert stored[:2] == ("draft", None)
    url = f"{API}/workorders/{order_id}/transitions"
    with hooked(workorder_hooks, (phase, blocker(line="L2"))):
        detail = refused(eng.post(url, json={"action": "release"}), 409, "held_by_quality")
    assert detail["context"] == {"point": "workorder.release", "line": "L2"}
    assert _status(database, order_id) == stored
    client = TestClient(app, headers=bearer(users["engineer"]), raise_server_exceptions=False)
    with hooked(workorder_hooks, (phase, crasher)), client:
        assert client.post(url, json={"action": "release"}).status_code == 500
    assert _status(database, order_id) == stored
