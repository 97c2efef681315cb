"""ECO apply runs the item release checks on its target; its approvals stand in for four eyes."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.eco.conftest import (
    ECO,
    Client,
    Json,
    create_eco,
    error,
    item,
    move,
    ok,
    release_item,
    stages,
)
from yuantus.core.db import Database
from yuantus.identity.models import User
from yuantus.item import service as item_service

BOM = "/api/v1/bom"
ITEMS = "/api/v1/items"


def _approved_eco(eng: TestClient, approver: TestClient, product: str, draft_child: str) -> Json:
    eco = create_eco(eng, product, name="add a draft bracket")
    target = ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))["target_item_id"]
    body = {"child_id": draft_child, "quantity": 2, "find_num": "50"}
    ok(eng.post(f"{BOM}/{target}/children", json=body), 201)
    move(eng, eco["id"], stages(eng)["Engineering Review"]["id"])
    ok(approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}))
    return {**eco, "target_item_id": target}


def test_apply_with_a_draft_child_in_the_target_is_refused_until_it_is_released(
    as_user: Client, database: Database, users: dict[str, User], product: str
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    with database.scope() as s:
        bracket = item_service.create(s, "Part", "Bracket", item_number="BRK-9")
        bracket_id = bracket.id
    eco = _approved_eco(eng, approver, product, bracket_id)
    target = str(eco["target_item_id"])

    approved_state = ok(eng.get(f"{ECO}/{eco['id']}"))["state"]
    detail = error(
        eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}),
        409,
        "children_not_released",
    )
    children = detail["context"]["children"]
    assert [(c["item_number"], c["state"], c["path"]) for c in children] == [
        ("BRK-9", "Draft", ["GB-100", "BRK-9"])
    ]
    # nothing was applied: the source is still current, the target not released
    assert item(database, product) == ("Released", True)
    assert item(database, target)[0] in ("Draft", "InReview")
    assert ok(eng.get(f"{ECO}/{eco['id']}"))["state"] == approved_state != "done"

    lifecycle = f"{ITEMS}/{bracket_id}/transitions"
    ok(eng.post(lifecycle, json={"action": "submit"}))
    ok(approver.post(lifecycle, json={"action": "release"}))
    # the engineer applies: the ECO's approvals are the second pair of eyes, not the item rule
    assert (
        ok(eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}))["state"] == "done"
    )
    released = ok(eng.get(f"{ITEMS}/{target}"))
    assert (released["state"], released["released_by_name"]) == ("Released", "engineer")
    assert item(database, product) == ("Superseded", False)


def test_apply_checks_the_documents_linked_to_the_target(
    as_user: Client, database: Database, users: dict[str, User], product: str
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    released_bolt = release_item(database, users["engineer"], "Bolt", number="BOLT-9")
    eco = create_eco(eng, product, name="new drawing")
    target = ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))["target_item_id"]
    ok(eng.post(f"{BOM}/{target}/children", json={"child_id": released_bolt, "quantity": 1}), 201)
    manual = ok(
        eng.post(ITEMS, json={"item_type": "Document", "item_number": "MAN-9", "name": "Manual"}),
        201,
    )
    body = {"document_id": manual["id"], "role": "specification"}
    ok(eng.post(f"{ITEMS}/{target}/documents", json=body), 201)
    move(eng, eco["id"], stages(eng)["Engineering Review"]["id"])
    ok(approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}))

    detail = error(
        eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}),
        409,
        "children_not_released",
    )
    assert [
        (c["kind"], c["item_number"], c["role"], c["path"]) for c in detail["context"]["children"]
    ] == [("document", "MAN-9", "specification", ["GB-100", "MAN-9"])]
    assert item(database, product) == ("Released", True)
