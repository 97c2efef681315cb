"""Names beside ids over HTTP: ECOs, approvals, events, bom-changes, routings, work orders."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.core.test_names import API, Client, Json, _part, _release, ok


def _released_product(as_user: Client) -> Json:
    eng = as_user("engineer")
    product = _part(eng, "GB-7", "Gearbox")
    shaft = _part(eng, "SH-7", "Output shaft")
    _release(as_user, shaft["id"])
    line = {"child_id": shaft["id"], "quantity": 2}
    ok(eng.post(f"{API}/bom/{product['id']}/children", json=line), 201)
    return _release(as_user, product["id"])


def _stage(client: TestClient, name: str) -> str:
    stages = ok(client.get(f"{API}/eco/stages"))["items"]
    stage_id: str = next(s["id"] for s in stages if s["name"] == name)
    return stage_id


def test_ecos_name_product_target_author_approvers_and_actors(as_user: Client) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    product = _released_product(as_user)
    body = {"name": "Longer shaft", "eco_type": "bom", "product_id": product["id"]}
    eco = ok(eng.post(f"{API}/eco", json=body), 201)
    assert (eco["product_number"], eco["product_revision"], eco["product_name"]) == (
        "GB-7",
        "A",
        "Gearbox",
    )
    assert (eco["target_number"], eco["target_name"], eco["created_by_name"]) == (
        None,
        None,
        "engineer",
    )
    eco = ok(eng.post(f"{API}/eco/{eco['id']}/new-revision"))
    assert (eco["target_number"], eco["target_revision"], eco["target_name"]) == (
        "GB-7",
        "B",
        "Gearbox",
    )
    review = _stage(eng, "Engineering Review")
    ok(eng.post(f"{API}/eco/{eco['id']}/transitions", json={"action": "move", "stage_id": review}))
    ok(
        approver.post(
            f"{API}/eco/{eco['id']}/transitions", json={"action": "approve", "comment": "fine"}
        )
    )

    [listed] = ok(eng.get(f"{API}/eco"))["items"]
    assert (listed["product_name"], listed["target_revision"]) == ("Gearbox", "B")
    [approval] = ok(eng.get(f"{API}/eco/{eco['id']}/approvals"))["items"]
    assert (approval["user_name"], approval["decision"]) == ("approver", "approved")
    events = ok(eng.get(f"{API}/eco/{eco['id']}/events"))["items"]
    by_type = {e["event_type"]: e["user_name"] for e in events}
    assert by_type["created"] == "engineer"
    assert by_type["approved"] == "approver"

    changes = ok(eng.get(f"{API}/eco/{eco['id']}/bom-changes"))
    assert (changes["source_number"], changes["source_revision"], changes["source_name"]) == (
        "GB-7",
        "A",
        "Gearbox",
    )
    assert (changes["target_number"], changes["target_revision"]) == ("GB-7", "B")


def test_routings_and_work_orders_name_product_routing_and_work_center(
    as_user: Client,
) -> None:
    eng = as_user("engineer")
    product = _released_product(as_user)
    center = {"code": "MILL-1", "name": "Milling cell", "cost_rate": 60}
    wc = ok(eng.post(f"{API}/workcenters", json=center), 201)
    body = {"product_id": product["id"], "routing_code": "RT-GB7", "name": "Gearbox routing"}
    routing = ok(eng.post(f"{API}/routings", json={**body, "is_primary": True}), 201)
    assert (routing["product_number"], routing["product_name"]) == ("GB-7", "Gearbox")
    assert routing["created_by_name"] == "engineer"
    operation = {"operation_number": 10, "name": "Mill", "workcenter_id": wc["id"], "run_time": 5}
    op = ok(eng.post(f"{API}/routings/{routing['id']}/operations", json=operation), 201)
    assert (op["workcenter_code"], op["workcenter_name"]) == ("MILL-1", "Milling cell")
    detail = ok(eng.get(f"{API}/routings/{routing['id']}"))
    assert detail["operations"][0]["workcenter_code"] == "MILL-1"
    [listed_routing] = ok(eng.get(f"{API}/routings"))["items"]
    assert listed_routing["product_name"] == "Gearbox"
    ok(eng.post(f"{API}/routings/{routing['id']}/transitions", json={"action": "release"}))

    order = ok(
        eng.post(f"{API}/workorders", json={"product_id": product["id"], "quantity": 3}), 201
    )
    assert (order["product_number"], order["product_revision"], order["product_name"]) == (
        "GB-7",
        "A",
        "Gearbox",
    )
    assert (order["routing_code"], order["routing_version"]) == ("RT-GB7", 1)
    assert order["created_by_name"] == "engineer"
    [listed] = ok(eng.get(f"{API}/workorders"))["items"]
    assert (listed["product_name"], listed["routing_code"]) == ("Gearbox", "RT-GB7")
    plan = ok(eng.get(f"{API}/workorders/{order['id']}/operations"))
    assert plan["routing_code"] == "RT-GB7"
    materials = ok(eng.get(f"{API}/workorders/{order['id']}/materials"))
    assert (materials["product_number"], materials["product_name"]) == ("GB-7", "Gearbox")
    [shaft] = materials["items"]
    assert (shaft["item_number"], shaft["name"], shaft["required_quantity"]) == (
        "SH-7",
        "Output shaft",
        "6",
    )
