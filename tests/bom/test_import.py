"""BOM import over HTTP: CSV and XLSX, dry runs, every bad input refused with nothing written."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.bom.conftest import MakePart
from yuantus.audit.models import AuditEvent
from yuantus.bom.models import BomLine
from yuantus.core.db import Database
from yuantus.core.deps import get_settings
from yuantus.core.settings import Settings
from yuantus.item.models import Item

AsUser = Callable[[str], TestClient]
Json = dict[str, Any]


def _post(
    c: TestClient, item_id: str, content: bytes, filename: str = "bom.csv", **params: Any
) -> httpx.Response:
    r: httpx.Response = c.post(
        f"/api/v1/bom/{item_id}/import",
        files={"file": (filename, content, "application/octet-stream")},
        params=params,
    )
    return r


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _xlsx(*rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _counts(database: Database) -> tuple[int, int, int]:
    """(BOM lines, items, audit rows) as stored."""
    with database.scope() as s:
        return (
            s.scalar(select(func.count()).select_from(BomLine)) or 0,
            s.scalar(select(func.count()).select_from(Item)) or 0,
            s.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


def _flat(c: TestClient, item_id: str) -> list[Json]:
    r = c.get(f"/api/v1/bom/{item_id}/flat")
    assert r.status_code == 200, r.text
    rows: list[Json] = r.json()["items"]
    return rows


def test_csv_import_adds_lines_with_exact_quantities_and_audit(
    as_user: AsUser, make_part: MakePart, database: Database
) -> None:
    top = make_part("TOP")
    make_part("BOLT")
    make_part("WIRE")
    content = _csv(
        "Child Number,QTY,uom,Find_Number,RefDes,Notes",
        'BOLT,4,ea,10,"r2, R1",zinc',
        "WIRE,0.1,m,20,,",
    )
    r = _post(as_user("engineer"), top.id, content)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["format"], body["rows"], body["dry_run"], body["errors"]) == ("csv", 2, False, [])
    assert [
        (x["row"], x["child_number"], x["quantity"], x["uom"], x["action"]) for x in body["lines"]
    ] == [
        (2, "BOLT", "4", "EA", "add"),
        (3, "WIRE", "0.1", "M", "add"),
    ]
    assert body["lines"][0]["refdes"] == ["R1", "R2"]
    assert body["lines"][0]["line_id"]
    rows = _flat(as_user("viewer"), top.id)
    assert [(x["child_number"], x["quantity"], x["find_num"], x["notes"]) for x in rows] == [
        ("BOLT", "4", "10", "zinc"),
        ("WIRE", "0.1", "20", None),
    ]
    with database.scope() as s:
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.object_id == top.id)))
        summary = s.scalar(select(AuditEvent).where(AuditEvent.action == "bom_imported"))
        assert summary is not None
        assert summary.actor_name == "engineer"
        assert summary.after == {
            "filename": "bom.csv",
            "format": "csv",
            "rows": 2,
            "lines_added": 2,
            "parts_created": [],
        }
    assert actions.count("bom_line_added") == 2


def test_dry_run_answers_lines_and_errors_and_writes_nothing(
    as_user: AsUser, make_part: MakePart, database: Database
) -> None:
    top = make_part("TOP")
    make_part("BOLT")
    before = _counts(database)
    content = _csv("child,quantity", "BOLT,2", "NOPE,1", "BOLT,zero")
    r = _post(as_user("engineer"), top.id, content, dry_run="true")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [x["child_number"] for x in body["lines"]] == ["BOLT"]
    assert body["lines"][0]["line_id"] is None
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (3, "child", "unknown_child"),
        (4, "quantity", "invalid_quantity"),
    ]
    assert _counts(database) == before
    # a clean dry run with create_missing names the part it would create, and creates none
    r = _post(
        as_user("engineer"),
        top.id,
        _csv("child,quantity,name", "NEW-1,3,Spacer"),
        dry_run="true",
        create_missing="true",
    )
    assert r.status_code == 200, r.text
    assert r.json()["created_parts"] == [
        {"item_number": "NEW-1", "revision": "A", "name": "Spacer"}
    ]
    assert r.json()["lines"][0]["child_created"] is True
    assert _counts(database) == before


def _refused(r: httpx.Response, status: int, code: str) -> Json:
    assert r.status_code == status, r.text
    detail: Json = r.json()["detail"]
    assert detail["code"] == code, detail
    assert set(detail) == {"code", "message", "context"}
    return detail


def _row_errors(r: httpx.Response) -> list[tuple[int, str | None, str]]:
    detail = _refused(r, 422, "bom_import_invalid")
    return [(e["row"], e["column"], e["code"]) for e in detail["context"]["errors"]]


def test_bad_input_is_refused_with_per_row_errors_and_nothing_written(
    as_user: AsUser, make_part: MakePart, database: Database
) -> None:
    top, bolt = make_part("TOP"), make_part("BOLT")
    eng = as_user("engineer")
    # BOLT already contains TOP: importing BOLT under TOP would close a cycle
    assert (
        eng.post(
            f"/api/v1/bom/{bolt.id}/children", json={"child_id": top.id, "quantity": 1}
        ).status_code
        == 201
    )
    make_part("NUT")
    before = _counts(database)
    cases = [
        (_csv("child,colour,quantity", "NUT,red,1"), [(1, "colour", "unknown_column")]),
        (_csv("child,uom", "NUT,EA"), [(1, "quantity", "missing_column")]),
        (_csv("Qty,child,QTY", "1,NUT,2"), [(1, "QTY", "duplicate_column")]),
        (_csv("child,quantity", "GHOST,1"), [(2, "child", "unknown_child")]),
        (
            _csv("child,quantity", "NUT,-1", "NUT,1.0000001", "NUT,", "NUT,abc"),
            [
                (2, "quantity", "invalid_quantity"),
                (3, "quantity", "invalid_quantity"),
                (4, "quantity", "missing_value"),
                (5, "quantity", "invalid_quantity"),
            ],
        ),
        (_csv("child,quantity", "TOP,1"), [(2, "child", "bom_cycle")]),
        (_csv("child,quantity", "NUT,1", "BOLT,1"), [(3, "child", "bom_cycle")]),
        (_csv("level,child,quantity", "2,NUT,1"), [(2, "level", "invalid_level")]),
        (
            _csv("level,parent,child,quantity", "1,,NUT,1", "2,TOP,BOLT,1"),
            [(3, "parent", "parent_mismatch")],
        ),
        # a bad row still opens its level: the row below it is not misplaced
        (
            _csv("level,child,quantity", "1,NUT,x", "2,GHOST,1"),
            [(2, "quantity", "invalid_quantity"), (3, "child", "unknown_child")],
        ),
        (
            _csv("parent,child,quantity", "TOP,NUT,1", "ELSEWHERE,NUT,1"),
            [(3, "parent", "unknown_parent")],
        ),
    ]
    for content, expected in cases:
        assert _row_errors(_post(eng, top.id, content)) == expected, content
        assert _counts(database) == before
    # a cycle inside the file (parent-number style)
    make_part("A")
    make_part("B")
    before = _counts(database)
    cyclic = _csv("parent,child,quantity", "TOP,A,1", "A,B,1", "B,A,1")
    assert _row_errors(_post(eng, top.id, cyclic)) == [(4, "child", "bom_cycle")]
    assert _counts(database) == before


def test_not_a_spreadsheet_frozen_parent_roles_and_size(
    as_user: AsUser, make_part: MakePart, database: Database, app: FastAPI, settings: Settings
) -> None:
    eng = as_user("engineer")
    top, released = make_part("TOP"), make_part("REL", release=True)
    make_part("NUT")
    before = _counts(database)
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    _refused(_post(eng, top.id, png, "photo.png"), 422, "bom_import_unreadable")
    _refused(_post(eng, top.id, b"%PDF-1.4\x00\x01", "bom.pdf"), 422, "bom_import_unreadable")
    _refused(_post(eng, top.id, b"child,quantity\n", "bom.xlsx"), 422, "bom_import_unreadable")
    _refused(_post(eng, top.id, b"\xd0\xcf\x11\xe0rest", "bom.xls"), 422, "bom_import_unreadable")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("readme.txt", "hello")
    _refused(_post(eng, top.id, zipped.getvalue(), "bom.xlsx"), 422, "bom_import_unreadable")
    _refused(_post(eng, released.id, _csv("child,quantity", "NUT,1")), 409, "item_frozen")
    _refused(
        _post(eng, released.id, _csv("child,quantity", "NUT,1"), dry_run="true"), 409, "item_frozen"
    )
    assert _post(as_user("viewer"), top.id, _csv("child,quantity", "NUT,1")).status_code == 403
    _refused(_post(eng, "no-such-id", _csv("child,quantity", "NUT,1")), 404, "item_not_found")
    big = _csv("child,quantity", *["NUT,1"] * 10)
    limited = settings.model_copy(update={"bom_import_max_bytes": 40})
    app.dependency_overrides[get_settings] = lambda: limited
    try:
        _refused(_post(eng, top.id, big), 413, "payload_too_large")
        rows_limited = limited.model_copy(
            update={"bom_import_max_bytes": 10_000, "bom_import_max_rows": 5}
        )
        app.dependency_overrides[get_settings] = lambda: rows_limited
        _refused(_post(eng, top.id, big), 413, "payload_too_large")
        assert _post(eng, top.id, _csv("child,quantity", *["NUT,1"] * 5)).status_code == 201
    finally:
        app.dependency_overrides.clear()
    assert _counts(database)[0] == before[0] + 5


def test_xlsx_level_style_creates_missing_parts_and_fills_their_boms(
    as_user: AsUser, make_part: MakePart, database: Database
) -> None:
    top = make_part("TOP")
    make_part("BOLT")
    content = _xlsx(
        ["Level", "Child number", "Child name", "Quantity", "UOM", "Find number"],
        [1, "FRAME-9", "Welded frame", 1, "EA", 10],
        [2, "BOLT", None, 4, "EA", 10],
        [2, "TUBE-9", "Tube", 2.5, "m", 20],
        [1, "BOLT", None, 0.125, "EA", 20],
    )
    eng = as_user("engineer")
    r = _post(eng, top.id, content, "bom.xlsx")
    _refused(r, 422, "bom_import_invalid")
    assert [e["code"] for e in r.json()["detail"]["context"]["errors"]] == [
        "unknown_child",
        "unknown_child",
    ]
    r = _post(eng, top.id, content, "bom.xlsx", create_missing="true")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["format"] == "xlsx"
    assert [p["item_number"] for p in body["created_parts"]] == ["FRAME-9", "TUBE-9"]
    assert [
        (x["level"], x["parent_number"], x["child_number"], x["quantity"]) for x in body["lines"]
    ] == [
        (1, "TOP", "FRAME-9", "1"),
        (2, "FRAME-9", "BOLT", "4"),
        (2, "FRAME-9", "TUBE-9", "2.5"),
        (1, "TOP", "BOLT", "0.125"),
    ]
    rows = _flat(as_user("viewer"), top.id)
    assert [
        (x["level"], x["child_number"], x["child_name"], x["extended_quantity"]) for x in rows
    ] == [
        (1, "FRAME-9", "Welded frame", "1"),
        (2, "BOLT", "BOLT name", "4"),
        (2, "TUBE-9", "Tube", "2.5"),
        (1, "BOLT", "BOLT name", "0.125"),
    ]
    assert _counts(database)[1] == 4
