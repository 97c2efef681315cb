"""The whole change with a BOM edit: the target BOM is edited over the BOM API,
applied, and `bom-changes` shows the edit."""

from __future__ import annotations

from typing import Any

from tests.eco.conftest import ECO, Client, create_eco, error, item, move, ok, release_item, stages
from tests.helpers import release_four_eyes
from yuantus.bom import service as bom_service
from yuantus.core.db import Database
from yuantus.identity.models import User
from yuantus.item import service as item_service

BOM = "/api/v1/bom"


def assembly(database: Database, user: User) -> dict[str, str]:
    """A released assembly GB-200 rev A with 4 bolts; a released rib not yet used."""
    bolt = release_item(database, user, "Bolt M8", number="BOLT-M8")
    rib = release_item(database, user, "Rib", number="RIB-1")
    with database.scope() as s:
        top = item_service.create(s, "Part", "Gearbox", item_number="GB-200", user=user)
        bom_service.add_child(s, top, item_service.get(s, bolt), 4)
        release_four_eyes(s, top, user)
        return {"top": top.id, "bolt": bolt, "rib": rib}


def test_edit_target_bom_then_apply_and_see_the_changes(
    as_user: Client, database: Database, users: dict[str, User]
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    parts = assembly(database, users["engineer"])
    eco = create_eco(eng, parts["top"], name="more bolts and a rib")
    error(eng.get(f"{ECO}/{eco['id']}/bom-changes"), 409, "no_target_revision")
    target = ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))["target_item_id"]

    # the target starts as a copy of the source BOM; edit it through the BOM API
    rows = ok(eng.get(f"{BOM}/{target}/flat"))["items"]
    assert [(r["child_number"], r["quantity"]) for r in rows] == [("BOLT-M8", "4")]
    ok(eng.patch(f"{BOM}/lines/{rows[0]['line_id']}", json={"quantity": 6}))
    ok(eng.post(f"{BOM}/{target}/children", json={"child_id": parts["rib"], "quantity": 2}), 201)
    # the released source stays frozen
    error(
        eng.post(f"{BOM}/{parts['top']}/children", json={"child_id": parts["rib"], "quantity": 1}),
        409,
    )

    changes = ok(eng.get(f"{ECO}/{eco['id']}/bom-changes"))
    assert (changes["source_item_id"], changes["target_item_id"]) == (parts["top"], target)
    assert (changes["source_revision"], changes["target_revision"]) == ("A", "B")
    # the released source under rule released, the draft target under latest
    assert (changes["source_rule"]["kind"], changes["target_rule"]["kind"]) == (
        "released",
        "latest",
    )
    _assert_shows_edit(changes)
    error(eng.get(f"{ECO}/{eco['id']}/bom-changes", params={"level": 1}), 422)
    error(eng.get(f"{ECO}/{eco['id']}/bom-changes", params={"rule": "x"}), 422)

    by = stages(eng)
    move(eng, eco["id"], by["Engineering Review"]["id"])
    ok(approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}))
    assert (
        ok(eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}))["state"] == "done"
    )
    assert item(database, target) == ("Released", True)
    assert item(database, parts["top"]) == ("Superseded", False)

    # after apply the change is still visible (the superseded source as it was when it
    # stopped being current), and the current BOM is the edited one
    after = ok(eng.get(f"{ECO}/{eco['id']}/bom-changes"))
    assert (after["source_rule"]["kind"], after["target_rule"]["kind"]) == ("as_of", "released")
    _assert_shows_edit(after)
    current = ok(eng.get(f"{BOM}/{target}/flat"))["items"]
    assert sorted((r["child_number"], r["quantity"]) for r in current) == [
        ("BOLT-M8", "6"),
        ("RIB-1", "2"),
    ]


def _assert_shows_edit(changes: dict[str, Any]) -> None:
    compare, delta = changes["compare"], changes["delta"]
    assert (compare["left"]["revision"], compare["right"]["revision"]) == ("A", "B")
    assert (compare["summary"]["added"], compare["summary"]["removed"]) == (1, 0)
    assert compare["summary"]["changed"] == 1
    assert [a["child_number"] for a in compare["added"]] == ["RIB-1"]
    changed = compare["changed"][0]
    assert changed["child_number"] == "BOLT-M8"
    quantity = next(c for c in changed["changes"] if c["field"] == "quantity")
    assert (quantity["before"], quantity["after"]) == ("4", "6")
    ops = sorted((o["op"], o["child_number"]) for o in delta["operations"])
    assert ops == [("add", "RIB-1"), ("update", "BOLT-M8")]
