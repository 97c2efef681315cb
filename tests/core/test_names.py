"""Names beside ids over HTTP: items, BOM lines and rows, files, document links, jobs, audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from yuantus.core.db import Database
from yuantus.identity.models import User
from yuantus.job import service as job_service

Client = Callable[[str], TestClient]
Json = dict[str, Any]
API = "/api/v1"


def ok(response: Any, status: int = 200) -> Json:
    """The JSON body of a response that must have the given status."""
    assert response.status_code == status, response.text
    body: Json = response.json()
    return body


def _part(eng: TestClient, number: str, name: str, item_type: str = "Part") -> Json:
    body = {"item_type": item_type, "item_number": number, "name": name}
    return ok(eng.post(f"{API}/items", json=body), 201)


def _release(as_user: Client, item_id: str) -> Json:
    ok(as_user("engineer").post(f"{API}/items/{item_id}/transitions", json={"action": "submit"}))
    return ok(
        as_user("approver").post(f"{API}/items/{item_id}/transitions", json={"action": "release"})
    )


def test_items_name_who_created_submitted_and_released_them(as_user: Client) -> None:
    eng = as_user("engineer")
    bolt = _part(eng, "BOLT-8", "Hex bolt M8")
    assert (bolt["created_by_name"], bolt["submitted_by_name"]) == ("engineer", None)
    released = _release(as_user, bolt["id"])
    assert (released["submitted_by_name"], released["released_by_name"]) == (
        "engineer",
        "approver",
    )
    [listed] = ok(eng.get(f"{API}/items", params={"q": "BOLT-8"}))["items"]
    assert (listed["created_by_name"], listed["released_by_name"]) == ("engineer", "approver")


def test_bom_lines_and_explosions_name_parent_and_child(as_user: Client) -> None:
    eng = as_user("engineer")
    frame = _part(eng, "FRM-1", "Bike frame")
    fork = _part(eng, "FRK-1", "Front fork")
    bolt = _part(eng, "BLT-1", "Hex bolt")
    line = ok(
        eng.post(f"{API}/bom/{frame['id']}/children", json={"child_id": fork["id"], "quantity": 1}),
        201,
    )
    assert (line["parent_number"], line["parent_revision"], line["parent_name"]) == (
        "FRM-1",
        "A",
        "Bike frame",
    )
    assert (line["child_number"], line["child_name"]) == ("FRK-1", "Front fork")
    ok(
        eng.post(f"{API}/bom/{fork['id']}/children", json={"child_id": bolt["id"], "quantity": 2}),
        201,
    )
    assert ok(eng.get(f"{API}/bom/lines/{line['line_id']}"))["child_name"] == "Front fork"

    flat = ok(eng.get(f"{API}/bom/{frame['id']}/flat"))["items"]
    got = [
        (
            r["parent_number"],
            r["parent_revision"],
            r["parent_name"],
            r["child_number"],
            r["child_name"],
        )
        for r in flat
    ]
    assert got == [
        ("FRM-1", "A", "Bike frame", "FRK-1", "Front fork"),
        ("FRK-1", "A", "Front fork", "BLT-1", "Hex bolt"),
    ]
    tree = ok(eng.get(f"{API}/bom/{frame['id']}/tree"))
    [fork_node] = tree["children"]
    assert (fork_node["name"], fork_node["line"]["parent_name"]) == ("Front fork", "Bike frame")
    assert fork_node["children"][0]["line"]["child_name"] == "Hex bolt"

    used = ok(eng.get(f"{API}/bom/{bolt['id']}/where-used"))["items"]
    used_rows = [
        (r["child_number"], r["child_name"], r["parent_number"], r["parent_name"]) for r in used
    ]
    assert used_rows == [
        ("BLT-1", "Hex bolt", "FRK-1", "Front fork"),
        ("FRK-1", "Front fork", "FRM-1", "Bike frame"),
    ]


def test_compare_rows_name_the_parts(as_user: Client) -> None:
    eng = as_user("engineer")
    left, right = _part(eng, "L-1", "Left frame"), _part(eng, "R-1", "Right frame")
    nut = _part(eng, "NUT-1", "Lock nut")
    ok(
        eng.post(f"{API}/bom/{right['id']}/children", json={"child_id": nut["id"], "quantity": 4}),
        201,
    )
    ids = {"left_id": left["id"], "right_id": right["id"]}
    compare = ok(eng.get(f"{API}/bom/compare", params=ids))
    assert (compare["left"]["name"], compare["right"]["name"]) == ("Left frame", "Right frame")
    [added] = compare["added"]
    assert (added["parent_number"], added["parent_name"]) == ("R-1", "Right frame")
    assert (added["child_number"], added["child_name"]) == ("NUT-1", "Lock nut")
    summarized = ok(eng.get(f"{API}/bom/compare", params={**ids, "compare_mode": "summarized"}))
    assert summarized["added"][0]["child_name"] == "Lock nut"
    [op] = ok(eng.get(f"{API}/bom/compare/delta/preview", params=ids))["operations"]
    assert (op["op"], op["parent_name"], op["child_name"]) == ("add", "Right frame", "Lock nut")


def test_files_and_document_links_name_items_and_uploaders(as_user: Client) -> None:
    eng = as_user("engineer")
    part = _part(eng, "BRK-1", "Brake lever")
    upload = eng.post(
        f"{API}/items/{part['id']}/files",
        files={"file": ("lever.txt", b"lever")},
        data={"role": "native"},
    )
    link = ok(upload, 201)
    assert (link["item_number"], link["item_revision"], link["item_name"]) == (
        "BRK-1",
        "A",
        "Brake lever",
    )
    assert (link["created_by_name"], link["file"]["created_by_name"]) == ("engineer", "engineer")
    [listed] = ok(eng.get(f"{API}/items/{part['id']}/files"))["items"]
    assert listed["item_name"] == "Brake lever"
    assert ok(eng.get(f"{API}/files/{link['file_id']}"))["created_by_name"] == "engineer"

    drawing = _part(eng, "DRW-1", "Lever drawing", "Document")
    body = {"document_id": drawing["id"], "role": "drawing"}
    doc_link = ok(eng.post(f"{API}/items/{part['id']}/documents", json=body), 201)
    assert (doc_link["document_number"], doc_link["document_name"]) == ("DRW-1", "Lever drawing")
    assert doc_link["created_by_name"] == "engineer"
    assert (doc_link["part_number"], doc_link["part_revision"], doc_link["part_name"]) == (
        "BRK-1",
        "A",
        "Brake lever",
    )
    [listed_link] = ok(eng.get(f"{API}/items/{part['id']}/documents"))["items"]
    assert listed_link["created_by_name"] == "engineer"


def test_jobs_name_who_enqueued_them(
    as_user: Client, database: Database, users: dict[str, User]
) -> None:
    with database.scope() as s:
        job = job_service.create_job(s, "noop", {}, created_by=users["production"].id)
        anonymous = job_service.create_job(s, "noop", {"n": 2})
    viewer = as_user("viewer")
    assert ok(viewer.get(f"{API}/jobs/{job.id}"))["created_by_name"] == "production"
    listed = {j["id"]: j["created_by_name"] for j in ok(viewer.get(f"{API}/jobs"))["items"]}
    assert listed == {job.id: "production", anonymous.id: None}


def test_audit_and_history_rows_name_the_item_revision(as_user: Client) -> None:
    eng = as_user("engineer")
    part = _part(eng, "SDL-1", "Saddle")
    rows = ok(as_user("admin").get(f"{API}/audit", params={"object_id": part["id"]}))["items"]
    assert [
        (r["action"], r["object_number"], r["object_revision"], r["object_name"]) for r in rows
    ] == [("created", "SDL-1", "A", "Saddle")]
    assert rows[0]["actor_name"] == "engineer"
    users = ok(as_user("admin").get(f"{API}/audit", params={"object_type": "user"}))["items"]
    assert users
    assert {(r["object_number"], r["object_name"]) for r in users} == {(None, None)}
    [history] = ok(eng.get(f"{API}/items/{part['id']}/history"))["items"]
    assert (history["object_number"], history["object_name"], history["actor_name"]) == (
        "SDL-1",
        "Saddle",
        "engineer",
    )
