"""Routing and operation endpoints: drafts, release, versions, primary rule, refusals."""

from __future__ import annotations

from collections.abc import Callable

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
from yuantus.manufacturing.models import Operation, Routing

R = f"{API}/routings"
Factory = Callable[..., Json]


def ops(wc_id: str, *numbers: int) -> list[Json]:
    """Operation bodies at one work center."""
    return [{"operation_number": n, "name": f"op {n}", "workcenter_id": wc_id} for n in numbers]


def test_create_routing_for_a_product_follows_its_config(
    eng: TestClient, database: Database
) -> None:
    product = make_part(database, "ASM-1")
    created = ok(
        eng.post(
            R,
            json={
                "product_id": product["id"],
                "routing_code": "RT-ASM-1",
                "name": "Assembly route",
                "description": "main line",
            },
        ),
        201,
    )
    assert created["product_config_id"] == product["config_id"]
    assert (created["version"], created["state"], created["is_primary"]) == (1, "draft", False)
    assert created["released_at"] is None
    detail = ok(eng.get(f"{R}/{created['id']}"))
    assert detail["operations"] == []
    assert detail["description"] == "main line"


def test_operations_are_listed_in_sequence_then_number_order(
    eng: TestClient, database: Database, workcenter: Factory, routing: Factory
) -> None:
    wc = workcenter("CNC")
    product = make_part(database, "ASM-1")
    rt = routing(product["id"], "RT-1")
    body = {
        "operation_number": 30,
        "name": "Inspect",
        "workcenter_id": wc["id"],
        "setup_time": 5,
        "run_time": 1.5,
        "work_instructions": "check dims",
        "properties": {"gauge": "G-7"},
    }
    op30 = ok(eng.post(f"{R}/{rt['id']}/operations", json=body), 201)
    assert {k: op30[k] for k in body} == body | {"setup_time": "5", "run_time": "1.5"}
    assert op30["sequence"] == 30  # defaults to the operation number
    ok(eng.post(f"{R}/{rt['id']}/operations", json=ops(wc["id"], 10)[0]), 201)
    ok(eng.post(f"{R}/{rt['id']}/operations", json={**ops(wc["id"], 20)[0], "sequence": 40}), 201)
    detail = ok(eng.get(f"{R}/{rt['id']}"))
    assert [o["operation_number"] for o in detail["operations"]] == [10, 30, 20]


def test_update_and_delete_operations_of_a_draft(
    eng: TestClient, database: Database, workcenter: Factory, routing: Factory
) -> None:
    wc, wc2 = workcenter("CNC"), workcenter("ASM")
    rt = routing(make_part(database, "P-1")["id"], "RT-1", operations=ops(wc["id"], 10, 20))
    op10, op20 = rt["operations"]
    changed = ok(
        eng.patch(
            f"{R}/{rt['id']}/operations/{op10['id']}",
            json={"operation_number": 15, "workcenter_id": wc2["id"], "run_time": 2},
        )
    )
    assert (changed["operation_number"], changed["workcenter_id"], changed["run_time"]) == (
        15,
        wc2["id"],
        "2",
    )
    assert changed["name"] == "op 10"
    refused(
        eng.patch(f"{R}/{rt['id']}/operations/{op20['id']}", json={"operation_number": 15}),
        409,
        "operation_number_taken",
    )
    assert eng.delete(f"{R}/{rt['id']}/operations/{op10['id']}").status_code == 204
    assert [o["id"] for o in ok(eng.get(f"{R}/{rt['id']}"))["operations"]] == [op20["id"]]
    refused(eng.delete(f"{R}/{rt['id']}/operations/{op10['id']}"), 404, "operation_not_found")


def test_operation_bad_input_writes_nothing(
    eng: TestClient, database: Database, workcenter: Factory, routing: Factory
) -> None:
    wc = workcenter("CNC")
    idle = workcenter("IDLE", is_active=False)
    rt = routing(make_part(database, "P-1")["id"], "RT-1", operations=ops(wc["id"], 10))
    other = routing(make_part(database, "P-2")["id"], "RT-2", operations=ops(wc["id"], 10))
    url = f"{R}/{rt['id']}/operations"
    refused(eng.post(url, json=ops(wc["id"], 10)[0]), 409, "operation_number_taken")
    refused(eng.post(url, json=ops("nope", 20)[0]), 404, "workcenter_not_found")
    refused(eng.post(url, json=ops(idle["id"], 20)[0]), 409, "workcenter_inactive")
    refused(eng.post(f"{R}/nope/operations", json=ops(wc["id"], 20)[0]), 404, "routing_not_found")
    for bad in ({"operation_number": 0}, {"run_time": -1}, {"setup_time": -5}, {"x": 1}):
        assert eng.post(url, json={**ops(wc["id"], 20)[0], **bad}).status_code == 422, bad
    other_op = other["operations"][0]["id"]
    refused(eng.patch(f"{url}/{other_op}", json={"name": "x"}), 404, "operation_not_found")
    refused(eng.delete(f"{url}/{other_op}"), 404, "operation_not_found")
    refused(
        eng.patch(f"{url}/{rt['operations'][0]['id']}", json={"workcenter_id": "nope"}),
        404,
        "workcenter_not_found",
    )
    assert count(database, Operation) == 2
    assert ok(eng.get(f"{R}/{rt['id']}"))["operations"] == rt["operations"]


def test_routing_bad_input_writes_nothing(
    eng: TestClient, database: Database, routing: Factory
) -> None:
    product = make_part(database, "P-1")
    doc = make_part(database, "D-1", kind="Document")
    routing(product["id"], "RT-1")
    body = {"product_id": product["id"], "routing_code": "RT-1", "name": "again"}
    refused(eng.post(R, json=body), 409, "routing_code_taken")
    refused(eng.post(R, json={**body, "product_id": "nope", "routing_code": "X"}), 404)
    refused(
        eng.post(R, json={**body, "product_id": doc["id"], "routing_code": "X"}),
        422,
        "product_not_part",
    )
    assert eng.post(R, json={**body, "routing_code": ""}).status_code == 422
    assert eng.post(R, json={**body, "routing_code": "Y", "version": 3}).status_code == 422
    refused(eng.get(f"{R}/nope"), 404, "routing_not_found")
    refused(eng.patch(f"{R}/nope", json={"name": "x"}), 404, "routing_not_found")
    refused(eng.post(f"{R}/nope/transitions", json={"action": "release"}), 404, "routing_not_found")
    refused(eng.post(f"{R}/nope/new-version"), 404, "routing_not_found")
    assert count(database, Routing) == 1


def test_a_second_primary_routing_is_refused(
    eng: TestClient, database: Database, routing: Factory
) -> None:
    product = make_part(database, "P-1")
    first = routing(product["id"], "RT-1", is_primary=True)
    second = routing(product["id"], "RT-2")
    body = {"product_id": product["id"], "routing_code": "RT-3", "name": "x", "is_primary": True}
    detail = refused(eng.post(R, json=body), 409, "primary_routing_exists")
    assert detail["context"]["routing_id"] == first["id"]
    refused(eng.patch(f"{R}/{second['id']}", json={"is_primary": True}), 409)
    assert count(database, Routing) == 2
    assert ok(eng.get(f"{R}/{second['id']}"))["is_primary"] is False
    # moving the primary flag: unset the first, then set the second
    ok(eng.patch(f"{R}/{first['id']}", json={"is_primary": False}))
    assert ok(eng.patch(f"{R}/{second['id']}", json={"is_primary": True}))["is_primary"] is True
    # another product has its own primary
    other = make_part(database, "P-2")
    assert routing(other["id"], "RT-9", is_primary=True)["is_primary"] is True


def test_release_then_edits_are_refused_and_write_nothing(
    eng: TestClient, database: Database, workcenter: Factory, routing: Factory
) -> None:
    wc = workcenter("CNC")
    rt = routing(make_part(database, "P-1")["id"], "RT-1", operations=ops(wc["id"], 10))
    released = ok(eng.post(f"{R}/{rt['id']}/transitions", json={"action": "release"}))
    assert (released["state"], released.pop("warnings")) == ("released", [])
    assert released["released_at"] is not None
    op_id = rt["operations"][0]["id"]
    code = "routing_not_editable"
    refused(eng.patch(f"{R}/{rt['id']}", json={"name": "renamed"}), 409, code)
    refused(eng.post(f"{R}/{rt['id']}/operations", json=ops(wc["id"], 20)[0]), 409, code)
    refused(eng.patch(f"{R}/{rt['id']}/operations/{op_id}", json={"run_time": 9}), 409, code)
    refused(eng.delete(f"{R}/{rt['id']}/operations/{op_id}"), 409, code)
    detail = refused(
        eng.post(f"{R}/{rt['id']}/transitions", json={"action": "release"}),
        409,
        "invalid_transition",
    )
    assert detail["context"]["allowed"] == []
    after = ok(eng.get(f"{R}/{rt['id']}"))
    assert after == released
    # choosing the product's primary routing is planning, not an edit of the routing
    assert ok(eng.patch(f"{R}/{rt['id']}", json={"is_primary": True}))["is_primary"] is True


def test_new_version_copies_operations_and_release_supersedes(
    eng: TestClient, database: Database, workcenter: Factory, routing: Factory
) -> None:
    wc = workcenter("CNC")
    product = make_part(database, "P-1")
    v1 = routing(
        product["id"], "RT-1", operations=ops(wc["id"], 10, 20), release=True, is_primary=True
    )
    v2 = ok(eng.post(f"{R}/{v1['id']}/new-version"), 201)
    assert (v2["routing_code"], v2["version"], v2["state"], v2["is_primary"]) == (
        "RT-1",
        2,
        "draft",
        False,
    )
    strip = ("id", "routing_id", "created_at", "updated_at")
    copied = [{k: o[k] for k in o if k not in strip} for o in v2["operations"]]
    assert copied == [{k: o[k] for k in o if k not in strip} for o in v1["operations"]]
    refused(eng.post(f"{R}/{v1['id']}/new-version"), 409, "routing_draft_exists")
    refused(eng.post(f"{R}/{v2['id']}/new-version"), 409, "routing_is_draft")
    # the draft is edited freely; the released v1 keeps its operations
    ok(eng.post(f"{R}/{v2['id']}/operations", json=ops(wc["id"], 30)[0]), 201)
    ok(eng.patch(f"{R}/{v2['id']}", json={"name": "v2 route"}))
    assert len(ok(eng.get(f"{R}/{v1['id']}"))["operations"]) == 2
    released = ok(eng.post(f"{R}/{v2['id']}/transitions", json={"action": "release"}))
    assert (released["state"], released["is_primary"]) == ("released", True)
    old = ok(eng.get(f"{R}/{v1['id']}"))
    assert (old["state"], old["is_primary"]) == ("obsolete", False)
    refused(eng.patch(f"{R}/{v1['id']}", json={"is_primary": True}), 409, "routing_not_editable")
    listed = ok(eng.get(R, params={"routing_code": "RT-1"}))
    assert [(r["version"], r["state"]) for r in listed["items"]] == [
        (1, "obsolete"),
        (2, "released"),
    ]
    v3 = ok(eng.post(f"{R}/{v2['id']}/new-version"), 201)
    assert v3["version"] == 3
    assert len(v3["operations"]) == 3


def test_list_filters_by_product_revision_state_and_code(
    eng: TestClient, database: Database, routing: Factory
) -> None:
    p1 = make_part(database, "P-1")
    p2 = make_part(database, "P-2")
    routing(p1["id"], "RT-B", release=True)
    routing(p1["id"], "RT-A")
    routing(p2["id"], "RT-C")
    page = ok(eng.get(R, params={"product_id": p1["id"]}))
    assert [r["routing_code"] for r in page["items"]] == ["RT-A", "RT-B"]
    # routings belong to the product, not a revision: the new revision finds them too
    rev_b = revise_and_release(database, p1["id"])
    assert ok(eng.get(R, params={"product_id": rev_b["id"]}))["total"] == 2
    assert ok(eng.get(R, params={"state": "released"}))["total"] == 1
    assert (
        ok(eng.get(R, params={"routing_code": "RT-C"}))["items"][0]["product_config_id"]
        == (p2["config_id"])
    )
    assert ok(eng.get(R, params={"limit": 1, "offset": 2}))["items"][0]["routing_code"] == "RT-C"
    assert eng.get(R, params={"state": "bogus"}).status_code == 422
    refused(eng.get(R, params={"product_id": "nope"}), 404)


def test_routing_writes_need_engineer_or_production(
    as_user: Client, database: Database, routing: Factory
) -> None:
    product = make_part(database, "P-1")
    rt = routing(product["id"], "RT-1")
    body = {"product_id": product["id"], "routing_code": "RT-2", "name": "x"}
    viewer = as_user("viewer")
    refused(viewer.post(R, json=body), 403, "role_required")
    refused(viewer.patch(f"{R}/{rt['id']}", json={"name": "x"}), 403)
    refused(viewer.post(f"{R}/{rt['id']}/transitions", json={"action": "release"}), 403)
    assert ok(viewer.get(f"{R}/{rt['id']}"))["state"] == "draft"
    ok(as_user("production").post(R, json=body), 201)
