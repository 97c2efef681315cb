"""GET/POST transitions of routings and work orders: actions by caller and state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.manufacturing.conftest import API, Client, Json, make_part, ok, refused
from yuantus.core.db import Database

Factory = Callable[..., Json]


def offered(client: TestClient, url: str) -> tuple[str, list[tuple[str, str | None]]]:
    """The state and (action, to_state) pairs the caller is offered."""
    body = ok(client.get(f"{url}/transitions"))
    return body["state"], [(a["action"], a["to_state"]) for a in body["actions"]]


def act(client: TestClient, url: str, action: str) -> Any:
    """POST one action."""
    return client.post(f"{url}/transitions", json={"action": action})


def test_routing_release_is_offered_to_writers_while_draft(
    as_user: Client, database: Database, workcenter: Factory, routing: Factory
) -> None:
    eng, prod, viewer = as_user("engineer"), as_user("production"), as_user("viewer")
    product = make_part(database, "ASM-1")
    wc = workcenter("CNC")
    ops = [{"operation_number": 10, "name": "Mill", "workcenter_id": wc["id"]}]
    rt = routing(product["id"], "RT-1", is_primary=True, operations=ops)
    url = f"{API}/routings/{rt['id']}"
    assert offered(eng, url) == ("draft", [("release", "released")])
    assert offered(prod, url) == ("draft", [("release", "released")])
    assert offered(viewer, url) == ("draft", [])
    detail = refused(act(eng, url, "obsolete"), 422, "unknown_action")
    assert detail["context"] == {"action": "obsolete", "allowed": ["release"]}
    assert ok(eng.get(url))["state"] == "draft"
    refused(act(viewer, url, "release"), 403, "role_required")
    body = {"action": "release", "comment": "first article approved"}
    released = ok(prod.post(f"{url}/transitions", json=body))
    assert (released["state"], released["warnings"]) == ("released", [])
    rows = ok(as_user("admin").get(f"{API}/audit", params={"object_id": rt["id"]}))["items"]
    assert [(r["action"], r["before"], r["after"], r["actor_name"]) for r in rows] == [
        (
            "release",
            {"state": "draft"},
            {"state": "released", "version": 1, "comment": "first article approved"},
            "production",
        )
    ]
    # released is frozen: new versions start with new-version, not a transition
    assert offered(eng, url) == ("released", [])
    assert refused(act(eng, url, "release"), 409, "invalid_transition")["context"] == {
        "state": "released",
        "action": "release",
        "allowed": [],
    }


def test_workorder_actions_follow_its_state(
    as_user: Client, database: Database, workcenter: Factory, routing: Factory
) -> None:
    eng, prod, viewer = as_user("engineer"), as_user("production"), as_user("viewer")
    product = make_part(database, "ASM-2")
    wc = workcenter("LATHE")
    ops = [{"operation_number": 10, "name": "Turn", "workcenter_id": wc["id"]}]
    routing(product["id"], "RT-2", is_primary=True, release=True, operations=ops)
    order: Json = ok(
        eng.post(f"{API}/workorders", json={"product_id": product["id"], "quantity": 3}), 201
    )
    url = f"{API}/workorders/{order['id']}"
    assert order["state"] == "draft"
    assert offered(prod, url) == ("draft", [("release", "released"), ("cancel", "canceled")])
    assert offered(viewer, url) == ("draft", [])
    detail = refused(act(prod, url, "ship"), 422, "unknown_action")
    assert detail["context"]["allowed"] == ["cancel", "complete", "release", "start"]
    assert ok(eng.get(url)) == order
    refused(act(viewer, url, "release"), 403, "role_required")
    ok(act(prod, url, "release"))
    assert offered(eng, url) == ("released", [("start", "in_progress"), ("cancel", "canceled")])
    ok(act(prod, url, "start"))
    assert offered(prod, url) == ("in_progress", [("complete", "done")])
    done = ok(act(prod, url, "complete"))
    assert (done["state"], done["warnings"]) == ("done", [])
    rows = ok(as_user("admin").get(f"{API}/audit", params={"object_id": order["id"]}))["items"]
    # newest first: one row per action, none for the refused ones
    assert [(r["action"], r["before"]["state"], r["after"]["state"]) for r in rows] == [
        ("complete", "in_progress", "done"),
        ("start", "released", "in_progress"),
        ("release", "draft", "released"),
    ]
    assert offered(as_user("admin"), url) == ("done", [])
    listed = ok(eng.get(f"{API}/workorders", params={"state": "done"}))["items"]
    assert [o["number"] for o in listed] == [order["number"]]
    assert eng.post(f"{url}/transition", json={"to_status": "done"}).status_code in (404, 405)
