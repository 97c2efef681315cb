"""Delta preview, export, apply: order, risk, CSV columns, the apply round trip, conflicts."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.bom.conftest import MakePart, release_item
from yuantus.bom import service as bom_service
from yuantus.core.db import Database
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.item.models import Item

AsUser = Callable[[str], TestClient]


def _ids(ex: dict[str, Item]) -> dict[str, str]:
    return {"left_id": ex["TOP"].id, "right_id": ex["TOP_B"].id}


def test_preview_orders_operations_and_rates_risk(
    as_user: AsUser, example: dict[str, Item]
) -> None:
    r = as_user("viewer").get("/api/v1/bom/compare/delta/preview", params=_ids(example))
    assert r.status_code == 200, r.text
    preview = r.json()
    got = [(o["op"], o["line_key"], o["severity"], o["risk_level"]) for o in preview["operations"]]
    assert got == [
        ("remove", "WASHER", "major", "medium"),
        ("update", "ASM1", "major", "high"),
        ("update", "BOLT", "minor", "medium"),
        ("update", "RES", "minor", "medium"),
        ("add", "NUT", "major", "medium"),
        ("add", "WIRE", "major", "medium"),
    ]
    assert preview["summary"] == {
        "total": 6,
        "add": 2,
        "remove": 1,
        "update": 3,
        "risk_distribution": {"high": 1, "medium": 5, "low": 0},
        "overall_risk": "high",
    }
    remove = preview["operations"][0]
    assert remove["child_number"] == "WASHER"
    assert remove["child_id"] == example["WASHER"].id
    assert remove["parent_number"] == "TOP"
    assert (remove["parent_name"], remove["child_name"]) == ("TOP name", "WASHER name")
    assert remove["properties"]["quantity"] == "10"
    update = preview["operations"][1]
    assert update["changes"] == [
        {"field": "quantity", "before": "2", "after": "3", "severity": "major"}
    ]


def test_export_formats(as_user: AsUser, example: dict[str, Item]) -> None:
    c = as_user("viewer")
    url = "/api/v1/bom/compare/delta/export"
    r = c.get(url, params={**_ids(example), "export_format": "csv"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert 'filename="bom-delta-preview.csv"' in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8"))))
    assert rows[0] == [
        "op",
        "line_key",
        "parent_number",
        "parent_name",
        "child_number",
        "child_name",
        "field",
        "before",
        "after",
        "change",
        "severity",
        "risk_level",
    ]
    body = [[row[0], row[3], *row[5:]] for row in rows[1:]]
    # one row per field an operation removes, changes or adds, in words; no JSON anywhere
    assert body == [
        ["remove", "WASHER", "quantity", "10", "", "removed, had quantity 10", "major", "medium"],
        ["remove", "WASHER", "uom", "EA", "", "removed, had unit EA", "major", "medium"],
        [
            "remove",
            "WASHER",
            "find_num",
            "50",
            "",
            "removed, had find number 50",
            "major",
            "medium",
        ],
        ["update", "ASM1", "quantity", "2", "3", "quantity 2 → 3", "major", "high"],
        ["update", "BOLT", "find_num", "20", "25", "find number 20 → 25", "minor", "medium"],
        [
            "update",
            "RES",
            "refdes",
            "R1, R2, R3",
            "R2, R3, R4",
            "reference designators R1, R2, R3 → R2, R3, R4",
            "minor",
            "medium",
        ],
        ["update", "RES", "notes", "", "smd", "notes set to smd", "info", "low"],
        ["add", "NUT", "quantity", "", "8", "added with quantity 8", "major", "medium"],
        ["add", "NUT", "uom", "", "EA", "added with unit EA", "major", "medium"],
        ["add", "NUT", "find_num", "", "40", "added with find number 40", "major", "medium"],
        ["add", "WIRE", "quantity", "", "50", "added with quantity 50", "major", "medium"],
        ["add", "WIRE", "uom", "", "CM", "added with unit CM", "major", "medium"],
        ["add", "WIRE", "find_num", "", "60", "added with find number 60", "major", "medium"],
    ]
    assert {row[2] for row in rows[1:]} == {"TOP"}
    assert rows[1][4] == "WASHER name"
    assert not any("{" in cell or "[" in cell for row in rows for cell in row)

    r = c.get(url, params={**_ids(example), "export_format": "json"})
    assert 'filename="bom-delta-preview.json"' in r.headers["content-disposition"]
    assert r.json()["summary"]["total"] == 6
    r = c.get(url, params={**_ids(example), "export_format": "md"})
    assert 'filename="bom-delta-preview.md"' in r.headers["content-disposition"]
    text = r.content.decode("utf-8")
    assert text.startswith("# BOM delta: TOP rev A TOP name -> TOP rev B TOP name")
    assert "| update | TOP | ASM1 | ASM1 name | quantity | 2 | 3 | major | high |" in text
    assert "| add | TOP | NUT | NUT name | find number |  | 40 | major | medium |" in text
    assert "| update | TOP | RES | RES name | notes |  | smd | info | low |" in text
    assert "overall high" in text
    r = c.get(url, params={**_ids(example), "export_format": "xlsx"})
    assert r.status_code == 422
    assert r.json()["detail"]["context"]["allowed"] == ["json", "csv", "md"]


def test_fractional_quantities_export_as_exact_decimal_text(
    as_user: AsUser, make_part: MakePart
) -> None:
    eng = as_user("engineer")
    left, right, glue, shim = (
        make_part("L-9"),
        make_part("R-9"),
        make_part("GLUE"),
        make_part("SHIM"),
    )
    for parent, glue_qty in ((left, 0.1), (right, "0.25")):
        r = eng.post(
            f"/api/v1/bom/{parent.id}/children",
            json={"child_id": glue.id, "quantity": glue_qty, "uom": "L", "find_num": "10"},
        )
        assert r.status_code == 201, r.text
    eng.post(f"/api/v1/bom/{right.id}/children", json={"child_id": shim.id, "quantity": 1000})
    ids = {"left_id": left.id, "right_id": right.id}
    url = "/api/v1/bom/compare/delta/export"
    r = eng.get(url, params={**ids, "export_format": "csv"})
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8"))))
    update = next(row for row in rows if row[0] == "update")
    assert update[5:9] == ["quantity", "0.1", "0.25", "quantity 0.1 → 0.25"]
    add = next(row for row in rows if row[0] == "add")
    assert add[5:8] == ["quantity", "", "1000"]
    exported = eng.get(url, params={**ids, "export_format": "json"}).json()
    change = exported["operations"][0]["changes"][0]
    assert (change["before"], change["after"]) == ("0.1", "0.25")
    text = eng.get(url, params={**ids, "export_format": "md"}).content.decode("utf-8")
    assert "| quantity | 0.1 | 0.25 |" in text


def _draft_copy_of(database: Database, source: Item, number: str) -> Item:
    """A new Draft part carrying a copy of the source revision's lines."""
    with database.scope() as s:
        copy = item_service.create(s, "Part", "copy", item_number=number)
        bom_service.copy_lines(s, item_service.get(s, source.id), copy)
    return copy


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"compare_mode": "only_product"},
        {"compare_mode": "num_qty"},
        {"compare_mode": "by_position"},
        {"compare_mode": "by_reference"},
        {"line_key": "line_full"},
    ],
)
def test_apply_round_trip(
    as_user: AsUser, example: dict[str, Item], database: Database, query: dict[str, str]
) -> None:
    eng = as_user("engineer")
    preview = eng.get("/api/v1/bom/compare/delta/preview", params={**_ids(example), **query}).json()
    assert preview["operations"]
    copy = _draft_copy_of(database, example["TOP"], "TOP-COPY")
    r = eng.post(
        "/api/v1/bom/compare/delta/apply",
        json={"target_id": copy.id, "operations": preview["operations"]},
    )
    assert r.status_code == 200, r.text
    s = preview["summary"]
    assert r.json()["applied"] == {"add": s["add"], "remove": s["remove"], "update": s["update"]}
    again = eng.get(
        "/api/v1/bom/compare", params={"left_id": copy.id, "right_id": example["TOP_B"].id, **query}
    ).json()
    assert (
        again["summary"]["added"] == again["summary"]["removed"] == again["summary"]["changed"] == 0
    )


def test_apply_conflict_rolls_back_everything(
    as_user: AsUser, example: dict[str, Item], database: Database
) -> None:
    eng = as_user("engineer")
    preview = eng.get("/api/v1/bom/compare/delta/preview", params=_ids(example)).json()
    copy = _draft_copy_of(database, example["TOP"], "TOP-COPY2")
    flat = eng.get(f"/api/v1/bom/{copy.id}/flat?levels=1").json()["items"]
    asm1 = next(row for row in flat if row["child_number"] == "ASM1")
    # someone changed ASM1 on the target since the preview: its before-value no longer holds
    eng.patch(f"/api/v1/bom/lines/{asm1['line_id']}", json={"quantity": 7})
    washer = next(row for row in flat if row["child_number"] == "WASHER")
    r = eng.post(
        "/api/v1/bom/compare/delta/apply",
        json={"target_id": copy.id, "operations": preview["operations"]},
    )
    assert r.status_code == 409
    detail = r.json()["detail"]
    assert detail["code"] == "delta_conflict"
    assert detail["context"]["conflicts"] == [
        {"op": "update", "line_key": "ASM1", "reason": "line_not_found_or_changed"}
    ]
    after = eng.get(f"/api/v1/bom/{copy.id}/flat?levels=1").json()["items"]
    assert washer["line_id"] in [row["line_id"] for row in after]  # the remove was rolled back
    assert len(after) == 4


def test_apply_refusals(
    as_user: AsUser, example: dict[str, Item], database: Database, users: dict[str, User]
) -> None:
    eng = as_user("engineer")
    preview = eng.get("/api/v1/bom/compare/delta/preview", params=_ids(example)).json()
    ops: list[dict[str, Any]] = preview["operations"]
    url = "/api/v1/bom/compare/delta/apply"
    r = eng.post(url, json={"target_id": example["TOP"].id, "operations": ops})
    assert r.status_code == 409
    assert r.json()["detail"]["code"] == "item_frozen"
    assert eng.post(url, json={"target_id": "nope", "operations": ops}).status_code == 404
    assert (
        as_user("viewer")
        .post(url, json={"target_id": example["TOP_B"].id, "operations": ops})
        .status_code
        == 403
    )
    summarized = eng.get(
        "/api/v1/bom/compare/delta/preview", params={**_ids(example), "compare_mode": "summarized"}
    ).json()
    copy = _draft_copy_of(database, example["TOP"], "TOP-COPY3")
    r = eng.post(url, json={"target_id": copy.id, "operations": summarized["operations"]})
    assert r.status_code == 422
    assert r.json()["detail"]["code"] == "delta_not_applicable"
    r = eng.post(url, json={"target_id": copy.id, "operations": [{**ops[0], "op": "merge"}]})
    assert r.status_code == 422
    assert r.json()["detail"]["code"] == "invalid_delta_op"
    with database.scope() as s:
        release_item(s, copy, users["engineer"])
    r = eng.post(url, json={"target_id": copy.id, "operations": ops})
    assert r.json()["detail"]["code"] == "item_frozen"


def test_deeper_operations_must_already_hold_in_the_target(
    as_user: AsUser, example: dict[str, Item], database: Database
) -> None:
    eng = as_user("engineer")
    # NUT (no BOM) -> TOP: every line is an add, the deep ones come with ASM1's own BOM
    preview = eng.get(
        "/api/v1/bom/compare/delta/preview",
        params={"left_id": example["NUT"].id, "right_id": example["TOP"].id},
    ).json()
    target = _draft_copy_of(database, example["NUT"], "EMPTY")
    r = eng.post(
        "/api/v1/bom/compare/delta/apply",
        json={"target_id": target.id, "operations": preview["operations"]},
    )
    assert r.status_code == 200, r.text
    assert r.json()["applied"]["add"] == 4
    assert r.json()["verified"] == 4
    # a deep add the sub-assembly does not have cannot be made on this revision
    bogus = {**next(o for o in preview["operations"] if o["level"] == 3)}
    bogus["properties"] = {**bogus["properties"], "quantity": 99}
    other = _draft_copy_of(database, example["TOP"], "OTHER")
    r = eng.post(
        "/api/v1/bom/compare/delta/apply", json={"target_id": other.id, "operations": [bogus]}
    )
    assert r.status_code == 409
    assert r.json()["detail"]["context"]["conflicts"][0]["reason"] == "sub_assembly_differs"
