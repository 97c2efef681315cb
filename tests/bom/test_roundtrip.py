"""Export a BOM as CSV and XLSX, import it into a fresh Draft: the compare finds no difference."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.bom.conftest import MakePart
from yuantus.item.models import Item

AsUser = Callable[[str], TestClient]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_compares_equal(
    fmt: str, as_user: AsUser, make_part: MakePart, example: dict[str, Item]
) -> None:
    eng = as_user("engineer")
    top_a = example["TOP"]
    r = eng.get(f"/api/v1/bom/{top_a.id}/flat", params={"format": fmt})
    assert r.status_code == 200, r.text
    assert f'filename="bom-TOP-A.{fmt}"' in r.headers["content-disposition"]
    fresh = make_part("TOP-COPY")
    r = eng.post(
        f"/api/v1/bom/{fresh.id}/import",
        files={"file": (f"bom.{fmt}", r.content, "application/octet-stream")},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    # the level-1 lines are added; the released sub-assemblies' lines are found, not changed
    assert [(x["row"], x["child_number"], x["action"]) for x in body["lines"]] == [
        (2, "ASM1", "add"),
        (3, "BOLT", "keep"),
        (4, "SUB", "keep"),
        (5, "BOLT", "keep"),
        (6, "WIRE", "keep"),
        (7, "BOLT", "add"),
        (8, "RES", "add"),
        (9, "WASHER", "add"),
    ]
    for mode in (None, "summarized", "by_position", "by_reference", "num_qty"):
        params = {"left_id": top_a.id, "right_id": fresh.id}
        if mode:
            params["compare_mode"] = mode
        compare = eng.get("/api/v1/bom/compare", params=params).json()
        assert compare["summary"] == {
            "added": 0,
            "removed": 0,
            "changed": 0,
            "changed_major": 0,
            "changed_minor": 0,
            "changed_info": 0,
        }, (mode, compare)


def test_exported_sheets_read_as_people_expect(as_user: AsUser, example: dict[str, Item]) -> None:
    c = as_user("viewer")
    top_a = example["TOP"]
    r = c.get(f"/api/v1/bom/{top_a.id}/flat", params={"format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Level",
        "Parent number",
        "Child number",
        "Child name",
        "Child revision",
        "Child state",
        "Quantity",
        "UOM",
        "Find number",
        "Reference designators",
        "Notes",
        "Sequence",
        "Extended quantity",
    ]
    # SUB's wire: 1.5 m per SUB, 1 SUB per ASM1, 2 ASM1 -> 3 m
    assert rows[5] == [
        "3",
        "SUB",
        "WIRE",
        "WIRE name",
        "A",
        "Released",
        "1.5",
        "M",
        "20",
        "",
        "",
        "20",
        "3",
    ]
    assert rows[7][2:10] == ["RES", "RES name", "A", "Released", "3", "EA", "30", "R1,R2,R3"]
    r = c.get(f"/api/v1/bom/{top_a.id}/flat", params={"format": "xlsx"})
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[5][:7] == (3, "SUB", "WIRE", "WIRE name", "A", "Released", 1.5)
    r = c.get(f"/api/v1/bom/{top_a.id}/flat", params={"format": "pdf"})
    assert r.status_code == 422


def test_existing_sub_assemblies_are_checked_never_changed(
    as_user: AsUser, make_part: MakePart, example: dict[str, Item]
) -> None:
    eng = as_user("engineer")
    fresh = make_part("TOP-COPY")
    sheet = (
        b"level,child,quantity,find number\n"
        b"1,ASM1,2,10\n"
        b"2,BOLT,5,10\n"  # ASM1 rev A has BOLT x4, and SUB, which the file leaves out
        b"1,WASHER,1,20\n"
        b"2,NUT,1,10\n"  # WASHER rev A is Released without a BOM: it cannot get one
    )
    r = eng.post(f"/api/v1/bom/{fresh.id}/import", files={"file": ("bom.csv", sheet, "text/csv")})
    assert r.status_code == 422, r.text
    errors = [(e["row"], e["column"], e["code"]) for e in r.json()["detail"]["context"]["errors"]]
    assert errors == [
        (3, "child", "bom_differs"),
        (3, "parent", "bom_differs"),
        (5, "parent", "item_frozen"),
    ]
    assert eng.get(f"/api/v1/bom/{fresh.id}/flat").json()["total"] == 0
