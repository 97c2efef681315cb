"""Item endpoints: create, list, read, edit, by-number, revisions."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.item.conftest import Client, Json, create_item, lifecycle

ITEMS = "/api/v1/items"


def test_create_with_given_number_answers_revision_a_draft(as_user: Client) -> None:
    item = create_item(
        as_user("engineer"),
        item_number="BRK-100",
        name="  Bracket  ",
        description="steel bracket",
        properties={"material": "S235", "mass_g": 120},
    )
    assert item["item_number"] == "BRK-100"
    assert item["name"] == "Bracket"
    assert (item["revision"], item["generation"], item["state"]) == ("A", 1, "Draft")
    assert item["is_current"] is True
    assert item["properties"] == {"material": "S235", "mass_g": 120}
    assert item["released_at"] is None
    assert item["effective_from"] is None
    assert item["superseded_at"] is None
    assert item["created_at"].endswith(("Z", "+00:00"))
    assert item["config_id"] != item["id"]


def test_numbers_are_generated_per_type_and_skip_numbers_taken_by_hand(as_user: Client) -> None:
    eng = as_user("engineer")
    assert create_item(eng, item_type="Part")["item_number"] == "P-000001"
    create_item(eng, item_type="Part", item_number="P-000002")
    assert create_item(eng, item_type="Part")["item_number"] == "P-000003"
    assert create_item(eng, item_type="Document")["item_number"] == "D-000001"


def test_bad_create_input_writes_nothing(as_user: Client) -> None:
    eng = as_user("engineer")
    create_item(eng, item_number="X-1")
    cases = [
        ({"item_type": "Gadget", "name": "x"}, 422, None),
        ({"item_type": "Part", "item_number": "  ", "name": "x"}, 422, None),
        ({"item_type": "Part", "name": " "}, 422, None),
        ({"item_type": "Part", "name": "x", "colour": "red"}, 422, None),
        ({"item_type": "Part", "item_number": "X-1", "name": "x"}, 409, "item_number_taken"),
    ]
    for body, status, code in cases:
        response = eng.post(ITEMS, json=body)
        assert response.status_code == status, (body, response.text)
        if code:
            assert response.json()["detail"]["code"] == code
    assert eng.get(ITEMS).json()["total"] == 1


def test_same_number_is_allowed_for_another_type(as_user: Client) -> None:
    eng = as_user("engineer")
    create_item(eng, item_type="Part", item_number="100")
    assert create_item(eng, item_type="Document", item_number="100")["item_type"] == "Document"


def test_reads_need_authentication_and_writes_need_engineer(
    client: TestClient, as_user: Client
) -> None:
    assert client.get(ITEMS).status_code == 401
    for role in ("viewer", "production", "approver"):
        response = as_user(role).post(ITEMS, json={"item_type": "Part", "name": "x"})
        assert response.status_code == 403
        assert response.json()["detail"]["code"] == "role_required"
    assert as_user("admin").post(ITEMS, json={"item_type": "Part", "name": "x"}).status_code == 201
    assert as_user("viewer").get(ITEMS).json()["total"] == 1


def test_list_filters_and_paging(as_user: Client, released: Callable[..., Json]) -> None:
    eng = as_user("engineer")
    for n in range(5):
        create_item(eng, item_number=f"BOLT-{n}", name=f"Bolt M{n + 3}")
    create_item(eng, item_type="Document", item_number="DOC-1", name="Bolt drawing")
    released(item_number="NUT-1", name="Nut 50%_off")

    def numbers(**params: object) -> list[str]:
        answer = eng.get(ITEMS, params=params).json()
        return [i["item_number"] for i in answer["items"]]

    assert eng.get(ITEMS).json()["total"] == 7
    assert numbers(item_type="Document") == ["DOC-1"]
    assert numbers(state="Released") == ["NUT-1"]
    assert numbers(q="bolt") == ["DOC-1", "BOLT-0", "BOLT-1", "BOLT-2", "BOLT-3", "BOLT-4"]
    assert numbers(q="%_") == ["NUT-1"]  # wildcards are matched literally
    assert numbers(item_type="Part", q="bolt", limit=2, offset=1) == ["BOLT-1", "BOLT-2"]
    assert eng.get(ITEMS, params={"q": "bolt", "limit": 2}).json()["total"] == 6
    assert eng.get(ITEMS, params={"limit": 0}).status_code == 422
    assert eng.get(ITEMS, params={"state": "Lost"}).status_code == 422


def test_current_only_false_lists_every_revision(
    as_user: Client, released: Callable[..., Json]
) -> None:
    eng = as_user("engineer")
    item = released(item_number="SHAFT-1")
    eng.post(f"{ITEMS}/{item['id']}/revise")
    current = eng.get(ITEMS, params={"q": "SHAFT"}).json()["items"]
    assert [(i["revision"], i["state"]) for i in current] == [("A", "Released")]
    every = eng.get(ITEMS, params={"q": "SHAFT", "current_only": "false"}).json()["items"]
    assert [(i["revision"], i["state"]) for i in every] == [("A", "Released"), ("B", "Draft")]


def test_get_and_unknown_ids(as_user: Client) -> None:
    viewer = as_user("viewer")
    item = create_item(as_user("engineer"))
    assert viewer.get(f"{ITEMS}/{item['id']}").json() == item
    for path in ("", "/revisions"):
        response = viewer.get(f"{ITEMS}/nope{path}")
        assert response.status_code == 404
        assert response.json()["detail"]["code"] == "item_not_found"
    eng = as_user("engineer")
    assert eng.patch(f"{ITEMS}/nope", json={"name": "x"}).status_code == 404
    assert eng.post(f"{ITEMS}/nope/revise").status_code == 404
    assert eng.post(f"{ITEMS}/nope/transitions", json={"action": "submit"}).status_code == 404


def test_patch_edits_open_revisions_and_refuses_frozen_ones(
    as_user: Client, released: Callable[..., Json]
) -> None:
    eng = as_user("engineer")
    item = create_item(eng, properties={"a": 1})
    response = eng.patch(
        f"{ITEMS}/{item['id']}", json={"name": "Bracket v2", "properties": {"b": 2}}
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Bracket v2"
    assert response.json()["properties"] == {"b": 2}
    assert response.json()["description"] is None
    lifecycle(eng, item["id"], "submit")
    assert eng.patch(f"{ITEMS}/{item['id']}", json={"description": "in review"}).status_code == 200
    assert eng.patch(f"{ITEMS}/{item['id']}", json={"bogus": 1}).status_code == 422

    frozen = released(name="Frozen", properties={"k": "v"})
    response = eng.patch(f"{ITEMS}/{frozen['id']}", json={"properties": {"k": "changed"}})
    assert response.status_code == 409
    assert response.json()["detail"]["code"] == "item_frozen"
    assert eng.get(f"{ITEMS}/{frozen['id']}").json()["properties"] == {"k": "v"}
    assert as_user("viewer").patch(f"{ITEMS}/{item['id']}", json={"name": "x"}).status_code == 403


def test_by_number_answers_current_or_given_revision(
    as_user: Client, released: Callable[..., Json]
) -> None:
    eng = as_user("engineer")
    rev_a = released(item_number="PLATE-7")
    rev_b = eng.post(f"{ITEMS}/{rev_a['id']}/revise").json()
    base = f"{ITEMS}/by-number/Part/PLATE-7"
    assert eng.get(base).json()["id"] == rev_a["id"]
    assert eng.get(base, params={"revision": "B"}).json()["id"] == rev_b["id"]
    lifecycle(eng, rev_b["id"], "submit")
    lifecycle(as_user("approver"), rev_b["id"], "release")
    assert eng.get(base).json()["id"] == rev_b["id"]
    assert eng.get(base, params={"revision": "A"}).json()["state"] == "Superseded"

    missing = eng.get(base, params={"revision": "C"})
    assert missing.status_code == 404
    assert missing.json()["detail"]["context"]["revision"] == "C"
    assert eng.get(f"{ITEMS}/by-number/Part/NOPE").status_code == 404
    assert eng.get(f"{ITEMS}/by-number/Document/PLATE-7").status_code == 404
    unknown_type = eng.get(f"{ITEMS}/by-number/Gadget/PLATE-7")
    assert unknown_type.status_code == 422
    assert unknown_type.json()["detail"]["code"] == "unknown_item_type"


def test_revisions_list_every_revision_of_the_item(
    as_user: Client, released: Callable[..., Json]
) -> None:
    eng = as_user("engineer")
    rev_a = released()
    rev_b = eng.post(f"{ITEMS}/{rev_a['id']}/revise").json()
    for item_id in (rev_a["id"], rev_b["id"]):
        answer = eng.get(f"{ITEMS}/{item_id}/revisions").json()
        assert answer["total"] == 2
        assert [r["revision"] for r in answer["items"]] == ["A", "B"]
    paged = eng.get(f"{ITEMS}/{rev_a['id']}/revisions", params={"limit": 1, "offset": 1}).json()
    assert [r["revision"] for r in paged["items"]] == ["B"]
