"""GET /items/{id}/history: every change of an item, all revisions, newest first."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi.testclient import TestClient

from tests.eco.conftest import ECO, create_eco, move, ok, stages
from tests.item.conftest import Client, Json, create_item, lifecycle
from yuantus.identity.models import User

ITEMS = "/api/v1/items"
DRAWING = b"%PDF-1.7 bracket drawing"


def history(client: TestClient, item_id: str, **params: Any) -> Json:
    """The history page of an item (asserting 200)."""
    return ok(client.get(f"{ITEMS}/{item_id}/history", params=params))


def summary(row: Json) -> tuple[Any, ...]:
    """What a user reads first in a row: which revision, what happened, who, which ECO."""
    return (
        row["revision"],
        row["action"],
        row["actor_name"],
        (row["after"] or {}).get("eco_number"),
    )


def _line(client: TestClient, parent: str, child: str, quantity: float, find_num: str) -> Json:
    body = {"child_id": child, "quantity": quantity, "find_num": find_num}
    return ok(client.post(f"/api/v1/bom/{parent}/children", json=body), 201)


def _apply_via_eco(as_user: Client, product: str) -> tuple[Json, str]:
    """Revise the product through an ECO, approve and apply it; the ECO and its target."""
    eng, approver = as_user("engineer"), as_user("approver")
    eco = create_eco(eng, product)
    target = ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))["target_item_id"]
    move(eng, eco["id"], stages(eng)["Engineering Review"]["id"])
    ok(approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}))
    return ok(eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"})), target


def test_a_parts_life_is_its_history_newest_first(as_user: Client, users: dict[str, User]) -> None:
    eng, approver, viewer = as_user("engineer"), as_user("approver"), as_user("viewer")
    r = eng.post(
        ITEMS,
        json={"item_type": "Part", "name": "Bracket", "item_number": "BR-1"},
        headers={"X-Request-ID": "create-bracket"},
    )
    part = ok(r, 201)["id"]
    ok(eng.patch(f"{ITEMS}/{part}", json={"name": "Bracket, long"}))
    bolt, washer = create_item(eng, name="Bolt")["id"], create_item(eng, name="Washer")["id"]
    for child in (bolt, washer):  # a release needs its children released
        lifecycle(eng, child, "submit")
        lifecycle(approver, child, "release")
    first = _line(eng, part, bolt, 2, "10")
    _line(eng, part, washer, 1.5, "20")
    ok(eng.patch(f"/api/v1/bom/lines/{first['line_id']}", json={"quantity": 4}))
    files = {"file": ("bracket.pdf", DRAWING, "application/pdf")}
    ok(eng.post(f"{ITEMS}/{part}/files", files=files, data={"role": "printout"}), 201)
    lifecycle(eng, part, "submit")
    lifecycle(approver, part, "release")
    eco, target = _apply_via_eco(as_user, part)
    number = eco["number"]

    page = history(viewer, part)
    assert page["total"] == 12
    rows = page["items"]
    expected = [
        ("A", "superseded", "engineer", number),
        ("B", "released", "engineer", number),
        ("B", "submitted", "engineer", number),
        ("B", "revised", "engineer", number),
        ("A", "released", "approver", None),
        ("A", "submitted", "engineer", None),
        ("A", "file_linked", "engineer", None),
        ("A", "bom_line_updated", "engineer", None),
        ("A", "bom_line_added", "engineer", None),
        ("A", "bom_line_added", "engineer", None),
        ("A", "updated", "engineer", None),
        ("A", "created", "engineer", None),
    ]
    assert [summary(row) for row in rows] == expected
    by_id = {row["action"] + row["revision"]: row for row in rows}

    # the values before and after, decimals as text, ids of what changed
    created = rows[-1]
    assert (created["object_type"], created["object_id"], created["before"]) == ("item", part, None)
    assert created["after"] == {
        "item_type": "Part",
        "item_number": "BR-1",
        "revision": "A",
        "state": "Draft",
        "name": "Bracket",
        "description": None,
        "properties": {},
    }
    assert created["request_id"] == "create-bracket"
    assert (rows[-2]["before"], rows[-2]["after"]) == (
        {"name": "Bracket"},
        {"name": "Bracket, long"},
    )
    added_bolt, added_washer, updated = rows[-3], rows[-4], rows[-5]
    assert added_bolt["before"] is None
    assert (added_bolt["after"]["id"], added_bolt["after"]["quantity"]) == (first["line_id"], "2")
    assert added_washer["after"]["quantity"] == "1.5"
    assert (updated["before"]["quantity"], updated["after"]["quantity"]) == ("2", "4")
    linked = rows[-6]["after"]
    assert (linked["filename"], linked["role"], linked["size"]) == (
        "bracket.pdf",
        "printout",
        len(DRAWING),
    )
    assert linked["sha256"] == hashlib.sha256(DRAWING).hexdigest()
    assert (by_id["submittedA"]["before"], by_id["submittedA"]["after"]) == (
        {"state": "Draft"},
        {"state": "InReview"},
    )
    released_a = by_id["releasedA"]["after"]
    assert (released_a["state"], released_a["is_current"]) == ("Released", True)
    revised = by_id["revisedB"]
    assert revised["object_id"] == target
    assert (revised["after"]["from_item_id"], revised["after"]["from_revision"]) == (part, "A")
    assert revised["after"]["eco_id"] == eco["id"]
    released_b = by_id["releasedB"]["after"]
    assert (released_b["state"], released_b["is_current"], released_b["eco_id"]) == (
        "Released",
        True,
        eco["id"],
    )
    superseded = rows[0]
    assert (superseded["object_id"], superseded["before"]) == (
        part,
        {"state": "Released", "is_current": True},
    )
    assert (superseded["after"]["state"], superseded["after"]["is_current"]) == (
        "Superseded",
        False,
    )
    assert superseded["after"]["superseded_at"] is not None
    assert {row["actor_id"] for row in rows} == {users["engineer"].id, users["approver"].id}

    # any revision's id answers the whole item; its parts' own histories stay apart
    assert history(viewer, target) == page
    assert [summary(r) for r in history(viewer, bolt)["items"]] == [
        ("A", "released", "approver", None),
        ("A", "submitted", "engineer", None),
        ("A", "created", "engineer", None),
    ]


def test_history_pages_without_overlap(as_user: Client) -> None:
    eng = as_user("engineer")
    part = create_item(eng, name="Plate")["id"]
    for n in range(4):
        ok(eng.patch(f"{ITEMS}/{part}", json={"description": f"v{n}"}))
    whole = history(eng, part)
    assert whole["total"] == 5
    assert [r["after"].get("description") for r in whole["items"]] == [
        "v3",
        "v2",
        "v1",
        "v0",
        None,
    ]
    ids = [r["id"] for r in whole["items"]]
    pages = [history(eng, part, limit=2, offset=o) for o in (0, 2, 4)]
    assert [[r["id"] for r in p["items"]] for p in pages] == [ids[0:2], ids[2:4], ids[4:5]]
    assert {p["total"] for p in pages} == {5}
    assert history(eng, part, limit=2, offset=9) == {
        "items": [],
        "total": 5,
        "limit": 2,
        "offset": 9,
    }


def test_a_discarded_draft_stays_in_the_history(as_user: Client) -> None:
    eng = as_user("engineer")
    part = create_item(eng, name="Hinge")["id"]
    lifecycle(eng, part, "submit")
    lifecycle(as_user("approver"), part, "release")
    eco = create_eco(eng, part)
    draft = ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))["target_item_id"]
    ok(eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "cancel"}))
    assert eng.get(f"{ITEMS}/{draft}").status_code == 404
    rows = history(eng, part)["items"]
    assert [summary(r) for r in rows] == [
        ("B", "discarded", "engineer", eco["number"]),
        ("B", "revised", "engineer", eco["number"]),
        ("A", "released", "approver", None),
        ("A", "submitted", "engineer", None),
        ("A", "created", "engineer", None),
    ]
    assert rows[0]["object_id"] == draft
    assert rows[0]["before"]["state"] == "Draft"


def test_unknown_item_is_404_and_history_is_read_only(as_user: Client) -> None:
    eng = as_user("engineer")
    r = eng.get(f"{ITEMS}/no-such-item/history")
    assert r.status_code == 404, r.text
    assert r.json()["detail"]["code"] == "item_not_found"
    part = create_item(eng, name="Shim")["id"]
    url = f"{ITEMS}/{part}/history"
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert eng.request(method, url, json={}).status_code == 405, method
    assert history(eng, part)["total"] == 1
    # signed-out clients see nothing
    assert TestClient(eng.app).get(url).status_code == 401


def test_no_secrets_in_the_history(as_user: Client) -> None:
    eng = as_user("engineer")
    part = create_item(eng, name="Lock", properties={"api_key": "k-live-123"})["id"]
    ok(eng.patch(f"{ITEMS}/{part}", json={"properties": {"api_key": "k-live-456", "ip": "54"}}))
    body = history(eng, part)
    text = json.dumps(body)
    assert "k-live-123" not in text
    assert "k-live-456" not in text
    assert "password" not in text
    assert "token" not in text
    assert body["items"][0]["after"] == {"properties": {"api_key": "[redacted]", "ip": "54"}}


def test_document_links_are_in_the_parts_history(as_user: Client) -> None:
    eng = as_user("engineer")
    part = create_item(eng, name="Pump")["id"]
    drawing = create_item(eng, item_type="Document", name="Pump drawing", item_number="DWG-7")
    body = {"document_id": drawing["id"], "role": "drawing"}
    link = ok(eng.post(f"{ITEMS}/{part}/documents", json=body), 201)
    r = eng.delete(f"{ITEMS}/{part}/documents/{link['id']}")
    assert r.status_code == 204, r.text
    rows = history(eng, part)["items"]
    assert [summary(r) for r in rows] == [
        ("A", "document_unlinked", "engineer", None),
        ("A", "document_linked", "engineer", None),
        ("A", "created", "engineer", None),
    ]
    snapshot = {
        "id": link["id"],
        "document_config_id": drawing["config_id"],
        "document_number": "DWG-7",
        "role": "drawing",
    }
    assert (rows[1]["before"], rows[1]["after"]) == (None, snapshot)
    assert (rows[0]["before"], rows[0]["after"]) == (snapshot, None)
    # the document's own history is its own
    assert [r["action"] for r in history(eng, drawing["id"])["items"]] == ["created"]


def test_delta_apply_line_removal_and_file_unlink(as_user: Client) -> None:
    eng = as_user("engineer")
    bolt, washer, nut = (create_item(eng, name=n)["id"] for n in ("Bolt", "Washer", "Nut"))
    left, right, target = (create_item(eng, name=n)["id"] for n in ("Left", "Right", "Target"))
    for parent in (left, target):
        _line(eng, parent, bolt, 2, "10")
        _line(eng, parent, washer, 1, "20")
    _line(eng, right, bolt, 3, "10")
    _line(eng, right, nut, 1, "30")
    preview = ok(
        eng.get("/api/v1/bom/compare/delta/preview", params={"left_id": left, "right_id": right})
    )
    body = {"target_id": target, "operations": preview["operations"]}
    assert ok(eng.post("/api/v1/bom/compare/delta/apply", json=body))["applied"] == {
        "add": 1,
        "remove": 1,
        "update": 1,
    }
    files = {"file": ("t.step", b"ISO-10303-21;", "model/step")}
    link = ok(eng.post(f"{ITEMS}/{target}/files", files=files, data={"role": "native"}), 201)
    assert eng.delete(f"{ITEMS}/{target}/files/{link['id']}").status_code == 204
    bolt_line = ok(eng.get(f"/api/v1/bom/{target}/flat", params={"levels": 1}))["items"][0]
    assert eng.delete(f"/api/v1/bom/lines/{bolt_line['line_id']}").status_code == 204

    rows = history(eng, target)["items"]
    assert [r["action"] for r in rows] == [
        "bom_line_removed",  # by hand
        "file_unlinked",
        "file_linked",
        "bom_line_added",  # the delta: remove, update, add
        "bom_line_updated",
        "bom_line_removed",
        "bom_line_added",
        "bom_line_added",
        "created",
    ]
    nut_config = ok(eng.get(f"{ITEMS}/{nut}"))["config_id"]
    washer_config = ok(eng.get(f"{ITEMS}/{washer}"))["config_id"]
    assert (rows[3]["after"]["child_config_id"], rows[3]["after"]["quantity"]) == (
        nut_config,
        "1",
    )
    assert (rows[4]["before"]["quantity"], rows[4]["after"]["quantity"]) == ("2", "3")
    assert (rows[5]["before"]["child_config_id"], rows[5]["after"]) == (washer_config, None)
    assert (rows[1]["before"]["id"], rows[1]["before"]["role"], rows[1]["after"]) == (
        link["id"],
        "native",
        None,
    )
    assert rows[0]["before"]["quantity"] == "3"
    assert {r["actor_name"] for r in rows} == {"engineer"}
