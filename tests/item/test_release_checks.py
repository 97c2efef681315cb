"""Release checks over HTTP: children and linked documents must be Released first."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.item.conftest import Client, Json, create_item, lifecycle

ITEMS = "/api/v1/items"


def _part(eng: TestClient, number: str, **body: Any) -> Json:
    return create_item(eng, item_number=number, name=f"{number} name", **body)


def _add(eng: TestClient, parent: Json, child: Json, find_num: str) -> None:
    body = {"child_id": child["id"], "quantity": 1, "find_num": find_num}
    response = eng.post(f"/api/v1/bom/{parent['id']}/children", json=body)
    assert response.status_code == 201, response.text


def _release(as_user: Client, item: Json) -> Json:
    """Submit as the engineer (when Draft) and release as the approver."""
    eng = as_user("engineer")
    if eng.get(f"{ITEMS}/{item['id']}").json()["state"] == "Draft":
        lifecycle(as_user("engineer"), item["id"], "submit")
    return lifecycle(as_user("approver"), item["id"], "release")


def _refused_release(as_user: Client, item_id: str) -> Json:
    response = as_user("approver").post(
        f"{ITEMS}/{item_id}/transitions", json={"action": "release"}
    )
    assert response.status_code == 409, response.text
    detail: Json = response.json()["detail"]
    assert detail["code"] == "children_not_released"
    assert detail["context"]["rule"] == "released"
    assert detail["context"]["order"] == "bottom_up"
    return detail


def _short(children: list[Json]) -> list[tuple[str, str, str, str, list[str]]]:
    return [(c["kind"], c["item_number"], c["revision"], c["state"], c["path"]) for c in children]


def test_an_assembly_with_eight_draft_children_is_refused_listing_all_eight(
    as_user: Client,
) -> None:
    eng = as_user("engineer")
    asm = _part(eng, "ASM-8")
    children = [_part(eng, f"C-{n}") for n in range(1, 9)]
    released_child = _release(as_user, _part(eng, "C-9"))
    for n, child in enumerate([*children, released_child], start=1):
        _add(eng, asm, child, find_num=str(n * 10))
    lifecycle(eng, asm["id"], "submit")

    detail = _refused_release(as_user, asm["id"])
    assert _short(detail["context"]["children"]) == [
        ("part", "C-1", "A", "Draft", ["ASM-8", "C-1"]),
        ("part", "C-2", "A", "Draft", ["ASM-8", "C-2"]),
        ("part", "C-3", "A", "Draft", ["ASM-8", "C-3"]),
        ("part", "C-4", "A", "Draft", ["ASM-8", "C-4"]),
        ("part", "C-5", "A", "Draft", ["ASM-8", "C-5"]),
        ("part", "C-6", "A", "Draft", ["ASM-8", "C-6"]),
        ("part", "C-7", "A", "Draft", ["ASM-8", "C-7"]),
        ("part", "C-8", "A", "Draft", ["ASM-8", "C-8"]),
    ]
    assert detail["context"]["children"][0]["item_id"] == children[0]["id"]
    assert "C-1, C-2, C-3, C-4, C-5, C-6, C-7, C-8" in detail["message"]
    # nothing moved: the assembly is still in review, not current-released
    still = eng.get(f"{ITEMS}/{asm['id']}").json()
    assert (still["state"], still["released_at"], still["released_by"]) == ("InReview", None, None)

    for child in children:
        _release(as_user, child)
    assert _release(as_user, asm)["state"] == "Released"


def test_three_levels_list_paths_bottom_up_and_resolve_under_rule_released(
    as_user: Client,
) -> None:
    """TOP
    SUB (Draft)         fn10
      LEAF (Draft)      fn10
      BOLT (Released)   fn20
    NUT (InReview)      fn20
    OLD (Obsolete)      fn30   its only revision was released, then obsoleted
    REVD (A Released, B Draft)  fn40   resolves to A: fine
    """
    eng = as_user("engineer")
    top, sub, leaf, nut = (_part(eng, n) for n in ("TOP", "SUB", "LEAF", "NUT"))
    bolt = _release(as_user, _part(eng, "BOLT"))
    old = _release(as_user, _part(eng, "OLD"))
    lifecycle(eng, old["id"], "obsolete")
    revd = _release(as_user, _part(eng, "REVD"))
    assert eng.post(f"{ITEMS}/{revd['id']}/revise").status_code == 201
    lifecycle(eng, nut["id"], "submit")
    _add(eng, sub, leaf, "10")
    _add(eng, sub, bolt, "20")
    for find_num, child in (("10", sub), ("20", nut), ("30", old), ("40", revd)):
        _add(eng, top, child, find_num)
    lifecycle(eng, top["id"], "submit")

    detail = _refused_release(as_user, top["id"])
    assert _short(detail["context"]["children"]) == [
        ("part", "LEAF", "A", "Draft", ["TOP", "SUB", "LEAF"]),
        ("part", "SUB", "A", "Draft", ["TOP", "SUB"]),
        ("part", "NUT", "A", "InReview", ["TOP", "NUT"]),
        ("part", "OLD", "A", "Obsolete", ["TOP", "OLD"]),
    ]
    # a sub-assembly is refused for its own child too
    lifecycle(eng, sub["id"], "submit")
    assert _short(_refused_release(as_user, sub["id"])["context"]["children"]) == [
        ("part", "LEAF", "A", "Draft", ["SUB", "LEAF"]),
    ]


def test_linked_documents_must_be_released_first(as_user: Client) -> None:
    eng = as_user("engineer")
    part, sub = _part(eng, "PUMP-1"), _part(eng, "IMPELLER-1")
    drawing = create_item(eng, item_type="Document", item_number="DWG-1", name="Pump drawing")
    spec = _release(
        as_user, create_item(eng, item_type="Document", item_number="SPEC-1", name="Spec")
    )
    sub_model = create_item(eng, item_type="Document", item_number="MDL-2", name="Impeller model")
    for target, document, role in (
        (part, drawing, "drawing"),
        (part, spec, "specification"),
        (sub, sub_model, "model"),
    ):
        body = {"document_id": document["id"], "role": role}
        response = eng.post(f"{ITEMS}/{target['id']}/documents", json=body)
        assert response.status_code == 201, response.text
    _add(eng, part, sub, "10")
    lifecycle(eng, part["id"], "submit")

    children = _refused_release(as_user, part["id"])["context"]["children"]
    assert _short(children) == [
        ("document", "DWG-1", "A", "Draft", ["PUMP-1", "DWG-1"]),
        ("document", "MDL-2", "A", "Draft", ["PUMP-1", "IMPELLER-1", "MDL-2"]),
        ("part", "IMPELLER-1", "A", "Draft", ["PUMP-1", "IMPELLER-1"]),
    ]
    assert (children[0]["role"], children[1]["role"]) == ("drawing", "model")

    # release in the order given: each step succeeds
    for entry in children:
        _release(as_user, {"id": entry["item_id"]})
    assert _release(as_user, part)["state"] == "Released"
