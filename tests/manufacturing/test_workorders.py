"""Work order endpoints: create, list, read, state transitions, planned operations."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.manufacturing.conftest import (
    API,
    Client,
    Json,
    count,
    make_part,
    ok,
    refused,
    revise_and_release,
)
from yuantus.core.db import Database
from yuantus.manufacturing.models import WorkOrder

WO = f"{API}/workorders"
Factory = Callable[..., Json]


@pytest.fixture
def ready(database: Database, workcenter: Factory, routing: Factory) -> Json:
    """A released product with a released primary routing of two operations."""
    product = make_part(database, "ASM-1")
    lathe = workcenter("LATHE", efficiency=1.0, cost_rate=60)
    bench = workcenter("BENCH", efficiency=0.75, cost_rate=120)
    rt = routing(
        product["id"],
        "RT-ASM-1",
        is_primary=True,
        release=True,
        operations=[
            {
                "operation_number": 20,
                "name": "Assemble",
                "workcenter_id": bench["id"],
                "run_time": 1.5,
                "work_instructions": "torque 5 Nm",
            },
            {
                "operation_number": 10,
                "name": "Turn",
                "workcenter_id": lathe["id"],
                "setup_time": 15,
                "run_time": 2,
            },
        ],
    )
    return {"product": product, "routing": rt, "lathe": lathe, "bench": bench}


def create(
    client: TestClient, product_id: str, quantity: int | float | str = 10, **body: object
) -> Json:
    """POST /workorders and answer the created order."""
    return ok(client.post(WO, json={"product_id": product_id, "quantity": quantity, **body}), 201)


def move(client: TestClient, order_id: str, action: str) -> Json:
    """POST /workorders/{id}/transitions and answer the order (asserting success, no warnings)."""
    order = ok(client.post(f"{WO}/{order_id}/transitions", json={"action": action}))
    assert order.pop("warnings") == []
    return order


def test_create_defaults_to_the_primary_routing_and_numbers_orders(
    eng: TestClient, ready: Json
) -> None:
    first = create(eng, ready["product"]["id"], 10, due_date="2027-01-15")
    assert first["number"] == "WO-00001"
    assert (first["state"], first["quantity"], first["due_date"]) == ("draft", "10", "2027-01-15")
    assert first["routing_id"] == ready["routing"]["id"]
    assert first["product_config_id"] == ready["product"]["config_id"]
    assert first["product_item_id"] == ready["product"]["id"]
    assert first["created_by"] is not None
    assert create(eng, ready["product"]["id"], 0.5)["number"] == "WO-00002"
    assert ok(eng.get(f"{WO}/{first['id']}")) == first


def test_bad_create_input_writes_nothing(
    eng: TestClient, database: Database, ready: Json, routing: Factory
) -> None:
    pid = ready["product"]["id"]
    other = make_part(database, "OTHER")
    foreign = routing(other["id"], "RT-OTHER")
    doc = make_part(database, "DOC-1", kind="Document")
    for quantity in (0, -1):
        assert eng.post(WO, json={"product_id": pid, "quantity": quantity}).status_code == 422
    assert eng.post(WO, json={"product_id": pid}).status_code == 422
    assert eng.post(WO, json={"product_id": pid, "quantity": 1, "x": 1}).status_code == 422
    refused(eng.post(WO, json={"product_id": "nope", "quantity": 1}), 404, "item_not_found")
    refused(eng.post(WO, json={"product_id": doc["id"], "quantity": 1}), 422, "product_not_part")
    refused(
        eng.post(WO, json={"product_id": pid, "quantity": 1, "routing_id": "nope"}),
        404,
        "routing_not_found",
    )
    refused(
        eng.post(WO, json={"product_id": pid, "quantity": 1, "routing_id": foreign["id"]}),
        422,
        "routing_product_mismatch",
    )
    assert count(database, WorkOrder) == 0
    # the refused requests did not consume order numbers either
    assert create(eng, pid)["number"] == "WO-00001"


def test_full_state_path_records_times(eng: TestClient, ready: Json) -> None:
    order = create(eng, ready["product"]["id"])
    released = move(eng, order["id"], "release")
    assert released["state"] == "released"
    assert released["released_at"] is not None
    started = move(eng, order["id"], "start")
    assert started["started_at"] is not None
    assert started["completed_at"] is None
    done = move(eng, order["id"], "complete")
    assert done["completed_at"] is not None
    assert done["released_at"] == released["released_at"]


@pytest.mark.parametrize(
    ("path", "action", "allowed"),
    [
        ([], "start", ["release", "cancel"]),
        ([], "complete", ["release", "cancel"]),
        (["release"], "complete", ["start", "cancel"]),
        (["release"], "release", ["start", "cancel"]),
        (["release", "start"], "cancel", ["complete"]),
        (["release", "start", "complete"], "start", []),
        (["cancel"], "release", []),
    ],
)
def test_illegal_moves_are_409_naming_the_allowed_ones(
    eng: TestClient, ready: Json, path: list[str], action: str, allowed: list[str]
) -> None:
    order = create(eng, ready["product"]["id"])
    for step in path:
        order = move(eng, order["id"], step)
    response = eng.post(f"{WO}/{order['id']}/transitions", json={"action": action})
    detail = refused(response, 409, "invalid_transition")
    assert detail["context"]["allowed"] == allowed
    assert ok(eng.get(f"{WO}/{order['id']}")) == order


def test_cancel_from_draft_and_released(eng: TestClient, ready: Json) -> None:
    a = create(eng, ready["product"]["id"])
    assert move(eng, a["id"], "cancel")["canceled_at"] is not None
    b = create(eng, ready["product"]["id"])
    move(eng, b["id"], "release")
    assert move(eng, b["id"], "cancel")["state"] == "canceled"


def test_unknown_action_and_ids(eng: TestClient, ready: Json) -> None:
    order = create(eng, ready["product"]["id"])
    response = eng.post(f"{WO}/{order['id']}/transitions", json={"action": "shipped"})
    assert response.status_code == 422
    refused(eng.get(f"{WO}/nope"), 404, "workorder_not_found")
    refused(eng.post(f"{WO}/nope/transitions", json={"action": "release"}), 404)
    refused(eng.get(f"{WO}/nope/operations"), 404, "workorder_not_found")
    refused(eng.get(f"{WO}/nope/materials"), 404, "workorder_not_found")


def test_release_needs_a_released_product_revision(
    eng: TestClient, database: Database, routing: Factory, ready: Json
) -> None:
    draft_product = make_part(database, "NEW-1", release=False)
    routing(
        draft_product["id"],
        "RT-NEW",
        is_primary=True,
        release=True,
        operations=[{"operation_number": 10, "name": "x", "workcenter_id": ready["lathe"]["id"]}],
    )
    order = create(eng, draft_product["id"])
    response = eng.post(f"{WO}/{order['id']}/transitions", json={"action": "release"})
    refused(response, 409, "product_not_released")
    assert ok(eng.get(f"{WO}/{order['id']}")) == order


def test_release_needs_a_released_routing_with_operations(
    eng: TestClient, database: Database, routing: Factory, ready: Json
) -> None:
    product = make_part(database, "P-9")
    no_routing = create(eng, product["id"])
    assert no_routing["routing_id"] is None
    release = {"action": "release"}
    refused(eng.post(f"{WO}/{no_routing['id']}/transitions", json=release), 409, "routing_missing")
    draft = routing(product["id"], "RT-DRAFT")
    on_draft = create(eng, product["id"], routing_id=draft["id"])
    refused(
        eng.post(f"{WO}/{on_draft['id']}/transitions", json=release), 409, "routing_not_released"
    )
    empty = routing(product["id"], "RT-EMPTY", release=True)
    on_empty = create(eng, product["id"], routing_id=empty["id"])
    refused(
        eng.post(f"{WO}/{on_empty['id']}/transitions", json=release),
        409,
        "routing_has_no_operations",
    )
    assert ok(eng.get(WO, params={"state": "draft"}))["total"] == 3
    # an order created before the product had a primary routing takes it when released
    routing(
        product["id"],
        "RT-GOOD",
        is_primary=True,
        release=True,
        operations=[{"operation_number": 10, "name": "x", "workcenter_id": ready["lathe"]["id"]}],
    )
    released = move(eng, no_routing["id"], "release")
    assert released["routing_id"] is not None
    assert released["routing_id"] != draft["id"]


def test_obsolete_routing_is_refused_for_new_orders(
    eng: TestClient, ready: Json, database: Database
) -> None:
    v1 = ready["routing"]
    v2 = ok(eng.post(f"{API}/routings/{v1['id']}/new-version"), 201)
    ok(eng.post(f"{API}/routings/{v2['id']}/transitions", json={"action": "release"}))
    response = eng.post(
        WO, json={"product_id": ready["product"]["id"], "quantity": 1, "routing_id": v1["id"]}
    )
    refused(response, 409, "routing_obsolete")
    assert count(database, WorkOrder) == 0
    assert create(eng, ready["product"]["id"])["routing_id"] == v2["id"]


def test_release_pins_the_current_released_revision_and_keeps_it(
    eng: TestClient, database: Database, ready: Json
) -> None:
    product = ready["product"]
    early = create(eng, product["id"])
    rev_b = revise_and_release(database, product["id"])
    # released after B: builds B although created while A was current
    assert move(eng, early["id"], "release")["product_item_id"] == rev_b["id"]
    rev_c = revise_and_release(database, rev_b["id"])
    assert rev_c["revision"] == "C"
    # later revisions do not move a released order
    assert ok(eng.get(f"{WO}/{early['id']}"))["product_item_id"] == rev_b["id"]
    late = create(eng, rev_b["id"])
    assert late["product_item_id"] == rev_c["id"]


def test_list_filters_by_state_and_product(
    eng: TestClient, database: Database, ready: Json, routing: Factory
) -> None:
    pid = ready["product"]["id"]
    a = create(eng, pid)
    create(eng, pid)
    move(eng, a["id"], "release")
    other = make_part(database, "P-2")
    create(eng, other["id"])
    everything = ok(eng.get(WO))
    assert everything["total"] == 3
    assert [o["number"] for o in everything["items"]] == ["WO-00003", "WO-00002", "WO-00001"]
    assert [o["number"] for o in ok(eng.get(WO, params={"state": "released"}))["items"]] == [
        "WO-00001"
    ]
    assert ok(eng.get(WO, params={"product_id": pid}))["total"] == 2
    assert ok(eng.get(WO, params={"product_id": pid, "state": "draft"}))["total"] == 1
    assert ok(eng.get(WO, params={"limit": 1, "offset": 1}))["items"][0]["number"] == "WO-00002"
    assert eng.get(WO, params={"state": "shipped"}).status_code == 422
    refused(eng.get(WO, params={"product_id": "nope"}), 404)


def test_operations_with_planned_times_for_the_order_quantity(eng: TestClient, ready: Json) -> None:
    order = create(eng, ready["product"]["id"], 10)
    plan = ok(eng.get(f"{WO}/{order['id']}/operations"))
    assert (plan["workorder_id"], plan["routing_id"], plan["quantity"]) == (
        order["id"],
        ready["routing"]["id"],
        "10",
    )
    assert plan["total"] == 2
    turn, assemble = plan["items"]
    # Turn: setup 15 + 2 min x 10 at efficiency 1.0 = 35 min; 35/60 h x 60/h = 35
    assert (turn["operation_number"], turn["workcenter_code"]) == (10, "LATHE")
    assert turn["planned_setup_minutes"] == "15"
    assert turn["planned_run_minutes"] == "20"
    assert turn["planned_total_minutes"] == "35"
    assert turn["planned_cost"] == "35"
    # Assemble: 1.5 min x 10 / efficiency 0.75 = 20 min; 20/60 h x 120/h = 40
    assert (assemble["operation_number"], assemble["workcenter_code"]) == (20, "BENCH")
    assert assemble["planned_run_minutes"] == "20"
    assert assemble["planned_total_minutes"] == "20"
    assert assemble["planned_cost"] == "40"
    assert assemble["work_instructions"] == "torque 5 Nm"
    assert plan["total_minutes"] == "55"
    assert plan["total_cost"] == "75"


def test_planned_figures_are_rounded_once_to_minutes_and_cents(
    eng: TestClient, database: Database, workcenter: Factory, routing: Factory
) -> None:
    product = make_part(database, "SLOW-1")
    slow = workcenter("SLOW", efficiency="0.9", cost_rate=7)
    routing(
        product["id"],
        "RT-SLOW",
        is_primary=True,
        release=True,
        operations=[
            {"operation_number": 10, "name": "Feed", "workcenter_id": slow["id"], "run_time": 0.1}
        ],
    )
    plan = ok(eng.get(f"{WO}/{create(eng, product['id'], 3)['id']}/operations"))
    (feed,) = plan["items"]
    # 0.1 min x 3 / 0.9 = 0.3333... -> 0.33 min; 0.33 / 60 x 7 per h = 0.0385 -> 0.04
    assert (feed["run_time"], feed["planned_run_minutes"], feed["planned_cost"]) == (
        "0.1",
        "0.33",
        "0.04",
    )
    assert (plan["total_minutes"], plan["total_cost"]) == ("0.33", "0.04")


def test_operations_of_an_order_without_routing_are_empty(
    eng: TestClient, database: Database
) -> None:
    order = create(eng, make_part(database, "P-5")["id"], 3)
    plan = ok(eng.get(f"{WO}/{order['id']}/operations"))
    assert (plan["items"], plan["total"], plan["total_minutes"]) == ([], 0, "0")


def test_workorder_writes_need_engineer_or_production(
    as_user: Client, ready: Json, database: Database
) -> None:
    viewer = as_user("viewer")
    body = {"product_id": ready["product"]["id"], "quantity": 1}
    refused(viewer.post(WO, json=body), 403, "role_required")
    order = ok(as_user("production").post(WO, json=body), 201)
    refused(viewer.post(f"{WO}/{order['id']}/transitions", json={"action": "release"}), 403)
    assert ok(viewer.get(f"{WO}/{order['id']}"))["state"] == "draft"
    assert ok(viewer.get(f"{WO}/{order['id']}/operations"))["total"] == 2
    assert count(database, WorkOrder) == 1
