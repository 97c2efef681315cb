"""Document packs over HTTP: inheritance, zip files by sha256, the stamped PDF book, revisions."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from typing import Any

import pytest
from pypdf import PdfReader

from tests.helpers import release_four_eyes
from tests.workorder_doc.conftest import API, Client, Shop, upload
from yuantus.core.db import Database
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.manufacturing import routing_service, workorder_service

EXPORT = f"{API}/workorder-docs/export"


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response


def _numbers(section: dict[str, Any]) -> list[tuple[str, str | None, str, str]]:
    return [
        (d["item_number"], d["revision"], d["status"], d["source"]) for d in section["documents"]
    ]


def test_an_operation_sees_its_own_and_the_inherited_visible_documents(
    as_user: Client, shop: Shop
) -> None:
    v = as_user("viewer")
    links = _ok(
        v.get(
            f"{API}/workorder-docs/links",
            params={"routing_id": shop.ids["routing"], "operation_id": shop.ids["op10"]},
        )
    ).json()
    assert [(r["document_number"], r["inherited"]) for r in links["items"]] == [
        ("DRAFT-SPEC", False),
        ("DRW", True),
        ("SECRET", True),
    ]
    assert links["items"][0]["routing_code"] == "RT-PUMP"
    params = {"routing_id": shop.ids["routing"], "operation_id": shop.ids["op10"]}
    pack = _ok(v.get(EXPORT, params={**params, "export_format": "json"})).json()
    (section,) = pack["sections"]
    # the hidden SECRET never reaches a pack; the unreleased DRAFT-SPEC is listed as missing
    assert _numbers(section) == [
        ("DRAFT-SPEC", None, "missing", "operation"),
        ("DRW", "A", "ok", "routing"),
    ]
    assert pack["rule"]["kind"] == "released"
    with_part = _ok(
        v.get(EXPORT, params={**params, "export_format": "json", "include_part_documents": True})
    ).json()
    assert [d["item_number"] for d in with_part["sections"][0]["documents"]][-1] == "DATASHEET"
    whole = _ok(v.get(EXPORT, params={"routing_id": shop.ids["routing"], "export_format": "json"}))
    sections = whole.json()["sections"]
    assert [s["operation_number"] for s in sections] == [None, 10, 20]
    assert [d[0] for d in _numbers(sections[0])] == ["DRW", "OLD-NOTE"]
    assert [d[0] for d in _numbers(sections[2])] == ["INSTR", "DRW"]


def test_the_zip_carries_the_stored_files(as_user: Client, shop: Shop) -> None:
    eng = as_user("engineer")
    response = _ok(eng.get(EXPORT, params={"routing_id": shop.ids["routing"]}))
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(archive.read("manifest.json"))
    stored = {
        f["filename"]: f["sha256"]
        for s in manifest["sections"]
        for d in s["documents"]
        for f in d["files"]
    }
    assert set(stored) == {"DRW.pdf", "DRW.step", "INSTR.pdf"}
    names = sorted(n for n in archive.namelist() if n.startswith("documents/"))
    assert names == [
        "documents/DRW_A/DRW.pdf",
        "documents/DRW_A/DRW.step",
        "documents/INSTR_A/INSTR.pdf",
    ]
    for name in names:
        assert hashlib.sha256(archive.read(name)).hexdigest() == stored[name.rsplit("/", 1)[1]]
    rows = list(csv.DictReader(io.StringIO(archive.read("documents.csv").decode())))
    assert {(r["document"], r["status"]) for r in rows} >= {
        ("DRAFT-SPEC", "missing"),
        ("DRW", "ok"),
    }
    assert manifest["generated_by"] == "engineer"


def test_the_pdf_book_is_the_cover_plus_every_printout_stamped(as_user: Client, shop: Shop) -> None:
    eng = as_user("engineer")
    response = _ok(
        eng.get(EXPORT, params={"routing_id": shop.ids["routing"], "export_format": "pdf"})
    )
    reader = PdfReader(io.BytesIO(response.content))
    # cover 1 + DRW 2 + OLD-NOTE placeholder 1 + DRAFT-SPEC placeholder 1 + INSTR 1
    assert len(reader.pages) == 6
    text = [page.extract_text() for page in reader.pages]
    cover = text[0]
    for number in ("DRW", "OLD-NOTE", "DRAFT-SPEC", "INSTR"):
        assert number in cover
    assert "DRW sheet 1" in text[1]
    assert "DRW sheet 2" in text[2]
    for page in text[1:]:
        assert "controlled copy - printed" in page
        assert "by engineer" in page
    assert "DRW rev A" in text[1]
    assert "has no PDF printout" in text[3]
    assert "has no released revision" in text[4]


def test_an_order_keeps_the_revision_of_its_release_while_the_routing_moves_on(
    as_user: Client, shop: Shop, database: Database, users: dict[str, User]
) -> None:
    with database.scope() as s:
        order = workorder_service.create(s, shop.ids["PUMP"], 5, user=users["production"])
        workorder_service.transition(s, order, "release")
        order_id = order.id
        revised = item_service.revise(s, item_service.get(s, shop.ids["DRW"]), users["engineer"])
        revised_id = revised.id
    upload(as_user("engineer"), revised_id, "DRW-B.pdf", b"%PDF-1.4 rev B", "attachment")
    with database.scope() as s:
        release_four_eyes(s, item_service.get(s, revised_id))
    v = as_user("viewer")
    routing_pack = _ok(
        v.get(EXPORT, params={"routing_id": shop.ids["routing"], "export_format": "json"})
    ).json()
    assert _numbers(routing_pack["sections"][0])[0][:2] == ("DRW", "B")
    order_pack = _ok(
        v.get(f"{API}/workorders/{order_id}/doc-pack", params={"export_format": "json"})
    ).json()
    assert order_pack["rule"]["kind"] == "as_of"
    assert order_pack["workorder_number"].startswith("WO-")
    assert _numbers(order_pack["sections"][0])[0][:2] == ("DRW", "A")
    # the export log answers "who got rev A of DRW"
    rev_a = _ok(
        v.get(
            f"{API}/workorder-docs/exports",
            params={"document_id": shop.ids["DRW"], "revision": "A"},
        )
    ).json()
    assert [(e["workorder_number"], e["export_format"]) for e in rev_a["items"]] == [
        (order_pack["workorder_number"], "json")
    ]
    rev_b = _ok(
        v.get(f"{API}/workorder-docs/exports", params={"document_id": revised_id, "revision": "B"})
    ).json()
    assert [e["routing_code"] for e in rev_b["items"]] == ["RT-PUMP"]
    everything = _ok(v.get(f"{API}/workorder-docs/exports")).json()
    assert everything["total"] == 2
    drw = next(d for d in everything["items"][1]["documents"] if d["item_number"] == "DRW")
    assert drw["files"][0]["sha256"]


def test_a_new_routing_version_keeps_the_links(
    as_user: Client, shop: Shop, database: Database
) -> None:
    with database.scope() as s:
        routing = routing_service.get(s, shop.ids["routing"])
        copy = routing_service.new_version(s, routing)
        copy_id = copy.id
    links = _ok(
        as_user("viewer").get(f"{API}/workorder-docs/links", params={"routing_id": copy_id})
    ).json()
    assert [r["document_number"] for r in links["items"]] == ["DRW", "OLD-NOTE", "SECRET"]
    assert all(r["routing_id"] == copy_id for r in links["items"])


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"export_format": "docx"}, 422, "invalid_filter"),
        ({"routing_id": "nope"}, 404, "routing_not_found"),
        ({"operation_id": "nope"}, 404, "operation_not_found"),
        ({"colour": "red"}, 422, "unknown_parameter"),
    ],
)
def test_bad_exports_are_refused(
    as_user: Client, shop: Shop, params: dict[str, str], status: int, code: str
) -> None:
    response = as_user("viewer").get(EXPORT, params={"routing_id": shop.ids["routing"], **params})
    assert response.status_code == status, response.text
    assert response.json()["detail"]["code"] == code


def test_links_need_a_writer_and_a_document_on_the_routing(as_user: Client, shop: Shop) -> None:
    body = {"routing_id": shop.ids["routing"], "document_item_id": shop.ids["DRW"]}
    assert as_user("viewer").post(f"{API}/workorder-docs/links", json=body).status_code == 403
    again = _ok(
        as_user("production").post(f"{API}/workorder-docs/links", json={**body, "sequence": 5})
    )
    assert again.json()["sequence"] == 5
    part = {**body, "document_item_id": shop.ids["PUMP"]}
    assert as_user("engineer").post(f"{API}/workorder-docs/links", json=part).status_code == 422
    eng = as_user("engineer")
    created = _ok(
        eng.post(
            f"{API}/workorder-docs/links",
            json={**body, "document_item_id": shop.ids["DATASHEET"]},
        ),
        201,
    ).json()
    assert eng.delete(f"{API}/workorder-docs/links/{created['id']}").status_code == 204
    assert eng.delete(f"{API}/workorder-docs/links/{created['id']}").status_code == 404


def test_link_changes_leave_audit_rows(as_user: Client, shop: Shop) -> None:
    eng = as_user("engineer")
    body = {"routing_id": shop.ids["routing"], "document_item_id": shop.ids["DATASHEET"]}
    link = _ok(eng.post(f"{API}/workorder-docs/links", json=body), 201).json()
    _ok(eng.post(f"{API}/workorder-docs/links", json={**body, "visible_in_production": False}))
    assert eng.delete(f"{API}/workorder-docs/links/{link['id']}").status_code == 204
    rows = _ok(as_user("admin").get(f"{API}/audit", params={"object_id": link["id"]})).json()
    trail = sorted(rows["items"], key=lambda r: r["created_at"])
    assert [r["action"] for r in trail] == ["create", "update", "delete"]
    assert (
        trail[1]["before"]["visible_in_production"],
        trail[1]["after"]["visible_in_production"],
    ) == (
        True,
        False,
    )
    assert trail[2]["after"] is None
    assert {r["actor_name"] for r in trail} == {"engineer"}
