"""Part-document links over HTTP: link, list under a rule, copy on revise, frozen, where-used."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.item.conftest import Client, Json, create_item, lifecycle

ITEMS = "/api/v1/items"


def _doc(eng: TestClient, number: str) -> Json:
    return create_item(eng, item_type="Document", item_number=number, name=f"{number} title")


def _link(eng: TestClient, part_id: str, status: int = 201, **body: object) -> Json:
    response = eng.post(f"{ITEMS}/{part_id}/documents", json=body)
    assert response.status_code == status, response.text
    answer: Json = response.json()
    return answer


def _release(as_user: Client, item_id: str) -> Json:
    lifecycle(as_user("engineer"), item_id, "submit")
    return lifecycle(as_user("approver"), item_id, "release")


def _listed(eng: TestClient, part_id: str, **params: str) -> Json:
    response = eng.get(f"{ITEMS}/{part_id}/documents", params=params)
    assert response.status_code == 200, response.text
    answer: Json = response.json()
    return answer


def _rows(page: Json) -> list[tuple[str, str, str | None, str | None]]:
    return [
        (
            r["document_number"],
            r["role"],
            r["resolved"]["revision"] if r["resolved"] else None,
            r["resolved"]["state"] if r["resolved"] else None,
        )
        for r in page["items"]
    ]


def test_link_list_under_each_rule_and_unlink(as_user: Client) -> None:
    eng = as_user("engineer")
    part = create_item(eng, item_number="BRK-1")
    drawing, spec = _doc(eng, "DWG-10"), _doc(eng, "SPEC-10")
    _release(as_user, drawing["id"])
    linked = _link(eng, part["id"], document_id=drawing["id"], role="drawing")
    assert (linked["document_number"], linked["role"], linked["unresolved"]) == (
        "DWG-10",
        "drawing",
        False,
    )
    assert linked["document_config_id"] == drawing["config_id"]
    assert (linked["resolved"]["id"], linked["resolved"]["state"]) == (drawing["id"], "Released")
    # by config id, and the same document in a second role
    _link(eng, part["id"], document_config_id=spec["config_id"], role="specification")
    _link(eng, part["id"], document_id=drawing["id"], role="model")

    # a Draft part lists under rule latest by default
    latest = _listed(eng, part["id"])
    assert (latest["rule"], latest["total"]) == ("latest", 3)
    assert _rows(latest) == [
        ("DWG-10", "drawing", "A", "Released"),
        ("SPEC-10", "specification", "A", "Draft"),
        ("DWG-10", "model", "A", "Released"),
    ]
    released = _listed(eng, part["id"], rule="released")
    assert released["rule"] == "released"
    assert _rows(released) == [
        ("DWG-10", "drawing", "A", "Released"),
        ("SPEC-10", "specification", None, None),
        ("DWG-10", "model", "A", "Released"),
    ]
    assert [r["unresolved"] for r in released["items"]] == [False, True, False]
    bad = eng.get(f"{ITEMS}/{part['id']}/documents", params={"rule": "newest"})
    assert (bad.status_code, bad.json()["detail"]["code"]) == (422, "invalid_filter")

    model_link = latest["items"][2]["id"]
    gone = eng.delete(f"{ITEMS}/{part['id']}/documents/{model_link}")
    assert gone.status_code == 204
    assert _listed(eng, part["id"])["total"] == 2
    again = eng.delete(f"{ITEMS}/{part['id']}/documents/{model_link}")
    assert (again.status_code, again.json()["detail"]["code"]) == (404, "document_link_not_found")


def test_link_refusals_change_nothing(as_user: Client) -> None:
    eng = as_user("engineer")
    part, other_part, doc = create_item(eng, item_number="P-L"), create_item(eng), _doc(eng, "D-L")
    cases = [
        (part["id"], {"document_id": other_part["id"], "role": "drawing"}, 422, "not_a_document"),
        (doc["id"], {"document_id": doc["id"], "role": "drawing"}, 422, "not_a_part"),
        (part["id"], {"document_config_id": "no-such-config", "role": "other"}, 404, None),
        (part["id"], {"document_id": "no-such-item", "role": "other"}, 404, "item_not_found"),
        ("no-such-part", {"document_id": doc["id"], "role": "other"}, 404, "item_not_found"),
    ]
    for part_id, body, status, code in cases:
        response = eng.post(f"{ITEMS}/{part_id}/documents", json=body)
        assert response.status_code == status, (body, response.text)
        if code:
            assert response.json()["detail"]["code"] == code
    assert eng.get(f"{ITEMS}/{part['id']}/documents").json()["total"] == 0
    # request shape: a known role, exactly one reference
    for body in (
        {"document_id": doc["id"], "role": "photo"},
        {"role": "drawing"},
        {"document_id": doc["id"], "document_config_id": doc["config_id"], "role": "drawing"},
    ):
        refused = eng.post(f"{ITEMS}/{part['id']}/documents", json=body)
        assert (refused.status_code, refused.json()["detail"]["code"]) == (422, "validation_failed")
    _link(eng, part["id"], document_id=doc["id"], role="drawing")
    duplicate = eng.post(
        f"{ITEMS}/{part['id']}/documents",
        json={"document_config_id": doc["config_id"], "role": "drawing"},
    )
    assert (duplicate.status_code, duplicate.json()["detail"]["code"]) == (
        409,
        "document_already_linked",
    )
    viewer = as_user("viewer").post(
        f"{ITEMS}/{part['id']}/documents", json={"document_id": doc["id"], "role": "other"}
    )
    assert viewer.status_code == 403
    assert eng.get(f"{ITEMS}/{part['id']}/documents").json()["total"] == 1


def test_links_are_frozen_with_the_part_and_copied_on_revise(as_user: Client) -> None:
    eng = as_user("engineer")
    part, drawing, spec = create_item(eng, item_number="AX-1"), _doc(eng, "DA"), _doc(eng, "DS")
    _release(as_user, drawing["id"])
    link = _link(eng, part["id"], document_id=drawing["id"], role="drawing")
    _release(as_user, part["id"])

    refused = eng.post(
        f"{ITEMS}/{part['id']}/documents", json={"document_id": spec["id"], "role": "other"}
    )
    assert (refused.status_code, refused.json()["detail"]["code"]) == (409, "item_frozen")
    unlink = eng.delete(f"{ITEMS}/{part['id']}/documents/{link['id']}")
    assert (unlink.status_code, unlink.json()["detail"]["code"]) == (409, "item_frozen")
    # a Released part lists under rule released by default
    assert _listed(eng, part["id"])["rule"] == "released"

    rev_b = eng.post(f"{ITEMS}/{part['id']}/revise").json()
    copied = _listed(eng, rev_b["id"])
    assert _rows(copied) == [("DA", "drawing", "A", "Released")]
    assert copied["items"][0]["id"] != link["id"]
    # the copy is the draft's own: changing it leaves revision A as released
    _link(eng, rev_b["id"], document_id=spec["id"], role="specification")
    assert (
        eng.delete(f"{ITEMS}/{rev_b['id']}/documents/{copied['items'][0]['id']}").status_code == 204
    )
    assert _rows(_listed(eng, part["id"])) == [("DA", "drawing", "A", "Released")]
    assert _rows(_listed(eng, rev_b["id"])) == [("DS", "specification", "A", "Draft")]


def test_where_used_of_a_document_lists_the_linking_parts(as_user: Client) -> None:
    eng = as_user("engineer")
    drawing = _doc(eng, "DWG-W")
    _release(as_user, drawing["id"])
    gear, shaft, unrelated = (create_item(eng, item_number=n) for n in ("GEAR", "SHAFT", "NUT"))
    _link(eng, shaft["id"], document_id=drawing["id"], role="drawing")
    _link(eng, gear["id"], document_id=drawing["id"], role="drawing")
    _link(eng, gear["id"], document_id=drawing["id"], role="model")
    _link(eng, unrelated["id"], document_id=_doc(eng, "OTHER")["id"], role="other")
    _release(as_user, gear["id"])
    gear_b = eng.post(f"{ITEMS}/{gear['id']}/revise").json()

    def where_used(**params: str) -> list[tuple[str, str, str]]:
        response = eng.get(f"{ITEMS}/{drawing['id']}/linked-parts", params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["document_number"], body["total"]) == ("DWG-W", len(body["items"]))
        return [(r["part"]["item_number"], r["part"]["revision"], r["role"]) for r in body["items"]]

    # current revisions only by default (GEAR's current is the released rev A)
    assert where_used() == [
        ("GEAR", "A", "drawing"),
        ("GEAR", "A", "model"),
        ("SHAFT", "A", "drawing"),
    ]
    assert where_used(current_only="false") == [
        ("GEAR", "A", "drawing"),
        ("GEAR", "A", "model"),
        ("GEAR", "B", "drawing"),
        ("GEAR", "B", "model"),
        ("SHAFT", "A", "drawing"),
    ]
    assert gear_b["revision"] == "B"
    paged = eng.get(
        f"{ITEMS}/{drawing['id']}/linked-parts", params={"limit": 1, "offset": 2}
    ).json()
    assert (paged["total"], [r["part"]["item_number"] for r in paged["items"]]) == (3, ["SHAFT"])
    not_doc = eng.get(f"{ITEMS}/{gear['id']}/linked-parts")
    assert (not_doc.status_code, not_doc.json()["detail"]["code"]) == (422, "not_a_document")
