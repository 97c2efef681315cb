"""Compare over HTTP: the hand-checked 3-level example in every mode, keys, normalization."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.bom.conftest import MakePart
from yuantus.item.models import Item

AsUser = Callable[[str], TestClient]


def _compare(c: TestClient, ex: dict[str, Item], **query: Any) -> dict[str, Any]:
    params = {"left_id": ex["TOP"].id, "right_id": ex["TOP_B"].id, **query}
    r = c.get("/api/v1/bom/compare", params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _brief(result: dict[str, Any]) -> dict[str, Any]:
    """The result reduced to keys and field changes, for writing expectations by hand."""
    return {
        "summary": result["summary"],
        "added": [a["line_key"] for a in result["added"]],
        "removed": [r["line_key"] for r in result["removed"]],
        "changed": {
            c["line_key"]: [
                (x["field"], x["before"], x["after"], x["severity"]) for x in c["changes"]
            ]
            for c in result["changed"]
        },
    }


def _summary(
    added: int, removed: int, changed: int, major: int, minor: int, info: int
) -> dict[str, int]:
    return {
        "added": added,
        "removed": removed,
        "changed": changed,
        "changed_major": major,
        "changed_minor": minor,
        "changed_info": info,
    }


# Worked by hand from the example in conftest.build_example (levels -1). Quantities are
# exact decimals, answered as canonical strings ("2", "4.5").
# Left  TOP A: ASM1 q2 fn10 [BOLT q4 fn10, SUB q1 fn20 [BOLT q2 fn10, WIRE 1.5 M fn20]],
#              BOLT q6 fn20, RES q3 fn30 R1,R2,R3, WASHER q10 fn50
# Right TOP B: ASM1 q3 (same subtree), BOLT q6 fn25, RES q3 fn30 R2,R3,R4 notes smd,
#              NUT q8 fn40, WIRE q50 CM fn60
EXPECTED: dict[str, dict[str, Any]] = {
    "default": {
        "summary": _summary(2, 1, 3, 1, 2, 0),
        "added": ["NUT", "WIRE"],
        "removed": ["WASHER"],
        "changed": {
            "ASM1": [("quantity", "2", "3", "major")],
            "BOLT": [("find_num", "20", "25", "minor")],
            "RES": [
                ("refdes", ["R1", "R2", "R3"], ["R2", "R3", "R4"], "minor"),
                ("notes", None, "smd", "info"),
            ],
        },
    },
    "only_product": {
        "summary": _summary(2, 1, 0, 0, 0, 0),
        "added": ["NUT", "WIRE"],
        "removed": ["WASHER"],
        "changed": {},
    },
    "num_qty": {
        # the quantity is part of the key: ASM1 2->3 and BOLT fn20->25 are a remove and an add
        "summary": _summary(4, 3, 0, 0, 0, 0),
        "added": ["ASM1|fn=10|qty=3", "BOLT|fn=25|qty=6", "NUT|fn=40|qty=8", "WIRE|fn=60|qty=50"],
        "removed": ["ASM1|fn=10|qty=2", "BOLT|fn=20|qty=6", "WASHER|fn=50|qty=10"],
        "changed": {},
    },
    "by_position": {
        "summary": _summary(3, 2, 2, 1, 1, 0),
        "added": ["BOLT|fn=25", "NUT|fn=40", "WIRE|fn=60"],
        "removed": ["BOLT|fn=20", "WASHER|fn=50"],
        "changed": {
            "ASM1|fn=10": [("quantity", "2", "3", "major")],
            "RES|fn=30": [("refdes", ["R1", "R2", "R3"], ["R2", "R3", "R4"], "minor")],
        },
    },
    "by_reference": {
        "summary": _summary(3, 2, 2, 1, 1, 0),
        "added": ["NUT|refdes=", "RES|refdes=R2,R3,R4", "WIRE|refdes="],
        "removed": ["RES|refdes=R1,R2,R3", "WASHER|refdes="],
        "changed": {
            "ASM1|refdes=": [("quantity", "2", "3", "major")],
            "BOLT|refdes=": [("find_num", "20", "25", "minor")],
        },
    },
    "summarized": {
        # extended quantities netted per component over all levels:
        # BOLT left 6 + 2*4 + 2*1*2 = 18, right 6 + 3*4 + 3*1*2 = 24; SUB 2 -> 3;
        # WIRE left 3 M, right 4.5 M and 50 CM: mixed units are reported per unit, not summed
        "summary": _summary(1, 1, 4, 4, 0, 0),
        "added": ["NUT"],
        "removed": ["WASHER"],
        "changed": {
            "ASM1": [("quantity", "2", "3", "major")],
            "BOLT": [("quantity", "18", "24", "major")],
            "SUB": [("quantity", "2", "3", "major")],
            "WIRE": [("quantity_by_uom", {"M": "3"}, {"CM": "50", "M": "4.5"}, "major")],
        },
    },
}


@pytest.mark.parametrize("mode", list(EXPECTED))
def test_hand_checked_example_in_every_mode(
    as_user: AsUser, example: dict[str, Item], mode: str
) -> None:
    query = {} if mode == "default" else {"compare_mode": mode}
    result = _compare(as_user("viewer"), example, **query)
    assert _brief(result) == EXPECTED[mode]
    if mode == "summarized":
        assert result["mixed_uom"] == ["WIRE"]


def test_lines_name_child_number_and_revision(as_user: AsUser, example: dict[str, Item]) -> None:
    result = _compare(as_user("viewer"), example)
    assert result["left"]["revision"] == "A"
    assert result["right"]["revision"] == "B"
    nut = result["added"][0]
    assert (nut["child_number"], nut["child_revision"], nut["child_id"]) == (
        "NUT",
        "A",
        example["NUT"].id,
    )
    assert nut["properties"]["quantity"] == "8"
    assert nut["parent_number"] == "TOP"
    asm1 = next(c for c in result["changed"] if c["line_key"] == "ASM1")
    assert asm1["child_number"] == "ASM1"
    assert asm1["child_revision"] == "A"
    assert asm1["severity"] == "major"
    res = next(c for c in result["changed"] if c["line_key"] == "RES")
    assert res["severity"] == "minor"  # the worst of minor (refdes) and info (notes)


def test_deeper_keys_include_the_parent_path(as_user: AsUser, example: dict[str, Item]) -> None:
    c = as_user("viewer")
    # against an empty revision every line is added, deep ones keyed under their parents
    params = {"left_id": example["NUT"].id, "right_id": example["TOP"].id, "line_key": "line_full"}
    result = c.get("/api/v1/bom/compare", params=params).json()
    assert [a["line_key"] for a in result["added"]] == [
        "ASM1>BOLT|fn=10|refdes=|qty=4|uom=EA",
        "ASM1>SUB>BOLT|fn=10|refdes=|qty=2|uom=EA",
        "ASM1>SUB>WIRE|fn=20|refdes=|qty=1.5|uom=M",
        "ASM1>SUB|fn=20|refdes=|qty=1|uom=EA",
        "ASM1|fn=10|refdes=|qty=2|uom=EA",
        "BOLT|fn=20|refdes=|qty=6|uom=EA",
        "RES|fn=30|refdes=R1,R2,R3|qty=3|uom=EA",
        "WASHER|fn=50|refdes=|qty=10|uom=EA",
    ]
    deep = next(a for a in result["added"] if a["line_key"].startswith("ASM1>SUB>WIRE"))
    assert deep["level"] == 3
    assert deep["path"] == ["ASM1", "SUB", "WIRE"]
    assert deep["parent_number"] == "SUB"
    keyed = c.get(
        "/api/v1/bom/compare", params={**params, "line_key": "child_config_find_num"}
    ).json()
    assert "ASM1>SUB>WIRE|fn=20" in [a["line_key"] for a in keyed["added"]]
    one_level = c.get("/api/v1/bom/compare", params={**params, "levels": 1}).json()
    assert one_level["summary"]["added"] == 4


def test_normalization_exact_quantity_case_and_refdes(as_user: AsUser, make_part: MakePart) -> None:
    eng = as_user("engineer")
    left, right, child = make_part("L-1"), make_part("R-1"), make_part("C-1")
    # binary float noise is not a quantity: 0.1 + 0.2 in a double has 17 decimal places
    noisy = eng.post(
        f"/api/v1/bom/{left.id}/children",
        json={"child_id": child.id, "quantity": 0.1 + 0.2, "uom": "mm"},
    )
    assert noisy.status_code == 422, noisy.text
    r = eng.post(
        f"/api/v1/bom/{left.id}/children",
        json={"child_id": child.id, "quantity": "0.300", "uom": "mm", "refdes": ["c2 c1"]},
    )
    assert r.status_code == 201, r.text
    assert r.json()["quantity"] == "0.3"
    eng.post(
        f"/api/v1/bom/{right.id}/children",
        json={"child_id": child.id, "quantity": 0.3, "uom": "MM", "refdes": "C1;c2"},
    )
    result = eng.get(
        "/api/v1/bom/compare", params={"left_id": left.id, "right_id": right.id}
    ).json()
    assert result["summary"]["changed"] == 0
    assert result["added"] == []
    assert result["removed"] == []


def test_bad_compare_queries(as_user: AsUser, example: dict[str, Item]) -> None:
    c = as_user("viewer")
    ids = {"left_id": example["TOP"].id, "right_id": example["TOP_B"].id}
    r = c.get("/api/v1/bom/compare", params={**ids, "compare_mode": "fuzzy"})
    assert r.status_code == 422
    assert r.json()["detail"]["code"] == "invalid_compare_mode"
    assert "summarized" in r.json()["detail"]["context"]["allowed"]
    r = c.get("/api/v1/bom/compare", params={**ids, "line_key": "nope"})
    assert r.status_code == 422
    assert r.json()["detail"]["context"]["allowed"] == [
        "child_config",
        "child_config_find_num",
        "child_config_refdes",
        "child_config_find_num_qty",
        "line_full",
    ]
    assert c.get("/api/v1/bom/compare", params={**ids, "levels": -5}).status_code == 422
    assert c.get("/api/v1/bom/compare", params={**ids, "left_id": "nope"}).status_code == 404
    assert c.get("/api/v1/bom/compare", params={"left_id": ids["left_id"]}).status_code == 422
