"""GET /workorders/{id}/materials: leaf needs of the pinned product revision x order quantity."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.helpers import release_four_eyes
from tests.manufacturing.conftest import API, Json, make_part, ok, refused
from yuantus.bom import service as bom_service
from yuantus.core.db import Database
from yuantus.item import service as item_service
from yuantus.item.models import Item

WO = f"{API}/workorders"


def _release(session: Session, item: Item) -> None:
    release_four_eyes(session, item)


@pytest.fixture
def top(database: Database) -> Json:
    """A released 3-level product.

    TOP
      SUB1  x2
        BOLT  x4    EA
        PLATE x1    EA
        SUB2  x3
          BOLT x2    EA
          GLUE x0.25 L
      BOLT  x6     EA
      WIRE  x1.5   m
      GLUE  x50    ml      (same component, another unit: its own row)
    """
    with database.scope() as s:
        p = {
            n: item_service.create(s, "Part", f"{n} name", item_number=n)
            for n in ("TOP", "SUB1", "SUB2", "BOLT", "PLATE", "GLUE", "WIRE")
        }
        bom_service.add_child(s, p["SUB2"], p["BOLT"], 2)
        bom_service.add_child(s, p["SUB2"], p["GLUE"], Decimal("0.25"), uom="L")
        bom_service.add_child(s, p["SUB1"], p["BOLT"], 4)
        bom_service.add_child(s, p["SUB1"], p["PLATE"], 1)
        bom_service.add_child(s, p["SUB1"], p["SUB2"], 3)
        bom_service.add_child(s, p["TOP"], p["SUB1"], 2)
        bom_service.add_child(s, p["TOP"], p["BOLT"], 6)
        bom_service.add_child(s, p["TOP"], p["WIRE"], Decimal("1.5"), uom="m")
        bom_service.add_child(s, p["TOP"], p["GLUE"], 50, uom="ml")
        for name in ("BOLT", "PLATE", "GLUE", "WIRE", "SUB2", "SUB1", "TOP"):
            _release(s, p[name])
        return {"id": p["TOP"].id, "config_id": p["TOP"].config_id}


@pytest.fixture
def order(
    eng: TestClient, top: Json, workcenter: Callable[..., Json], routing: Callable[..., Json]
) -> Json:
    """A released work order for 4 TOPs."""
    wc = workcenter("ASM")
    routing(
        top["id"],
        "RT-TOP",
        is_primary=True,
        release=True,
        operations=[{"operation_number": 10, "name": "Build", "workcenter_id": wc["id"]}],
    )
    created = ok(eng.post(WO, json={"product_id": top["id"], "quantity": 4}), 201)
    return ok(eng.post(f"{WO}/{created['id']}/transitions", json={"action": "release"}))


def needs(answer: Json) -> list[tuple[str, str, str, str, int]]:
    """(number, uom, per unit, required, lines) of each requirement."""
    return [
        (
            r["item_number"],
            r["uom"],
            r["quantity_per_unit"],
            r["required_quantity"],
            r["bom_lines"],
        )
        for r in answer["items"]
    ]


def test_materials_of_a_three_level_bom(eng: TestClient, order: Json, top: Json) -> None:
    answer = ok(eng.get(f"{WO}/{order['id']}/materials"))
    assert (answer["workorder_id"], answer["product_item_id"], answer["quantity"]) == (
        order["id"],
        top["id"],
        "4",
    )
    # per TOP, by hand:
    #   BOLT  2x4 (SUB1) + 2x3x2 (SUB1/SUB2) + 6 (TOP) = 8 + 12 + 6 = 26 EA; x4 = 104
    #   GLUE  2x3x0.25 = 1.5 L; x4 = 6        GLUE 50 ml; x4 = 200
    #   PLATE 2x1 = 2 EA; x4 = 8              WIRE 1.5 m; x4 = 6
    #   SUB1 and SUB2 are sub-assemblies: their children carry the need
    assert needs(answer) == [
        ("BOLT", "EA", "26", "104", 3),
        ("GLUE", "L", "1.5", "6", 1),
        ("GLUE", "ML", "50", "200", 1),
        ("PLATE", "EA", "2", "8", 1),
        ("WIRE", "M", "1.5", "6", 1),
    ]
    assert answer["total"] == 5
    bolt = answer["items"][0]
    assert bolt["revision"] == "A"
    assert bolt["state"] == "Released"
    assert bolt["name"] == "BOLT name"


def test_materials_page(eng: TestClient, order: Json) -> None:
    page = ok(eng.get(f"{WO}/{order['id']}/materials", params={"limit": 2, "offset": 2}))
    assert page["total"] == 5
    assert [(r["item_number"], r["uom"]) for r in page["items"]] == [
        ("GLUE", "ML"),
        ("PLATE", "EA"),
    ]
    assert eng.get(f"{WO}/{order['id']}/materials", params={"limit": 0}).status_code == 422


def test_released_order_keeps_its_revision_materials(
    eng: TestClient, database: Database, order: Json, top: Json
) -> None:
    # a draft order is not pinned yet: it shows what releasing it now would build
    draft = ok(eng.post(WO, json={"product_id": top["id"], "quantity": 2}), 201)
    with database.scope() as s:
        rev_b = item_service.revise(s, item_service.get(s, top["id"]), None)
        wire = next(r for r in bom_service.explode_flat(s, rev_b, 1) if r.child_number == "WIRE")
        bom_service.update_line(s, bom_service.get_line(s, wire.line_id), quantity=3)
        _release(s, rev_b)
        rev_b_id = rev_b.id
    kept = ok(eng.get(f"{WO}/{order['id']}/materials"))
    assert kept["product_item_id"] == top["id"]
    assert ("WIRE", "M", "1.5", "6", 1) in needs(kept)
    later = ok(eng.post(WO, json={"product_id": top["id"], "quantity": 2}), 201)
    fresh = ok(eng.get(f"{WO}/{later['id']}/materials"))
    draft_now = ok(eng.get(f"{WO}/{draft['id']}/materials"))
    assert draft_now == fresh | {"workorder_id": draft["id"]}
    assert fresh["product_item_id"] == rev_b_id
    assert ("WIRE", "M", "3", "6", 1) in needs(fresh)
    assert ("BOLT", "EA", "26", "52", 3) in needs(fresh)


def test_a_product_without_bom_needs_nothing(eng: TestClient, database: Database) -> None:
    with database.scope() as s:
        part = item_service.create(s, "Part", "bare", item_number="BARE")
        part_id = part.id
    created = ok(eng.post(WO, json={"product_id": part_id, "quantity": 1}), 201)
    answer = ok(eng.get(f"{WO}/{created['id']}/materials"))
    assert (answer["items"], answer["total"]) == ([], 0)
    refused(eng.get(f"{WO}/nope/materials"), 404, "workorder_not_found")


def test_three_orders_of_a_tenth_need_exactly_three_tenths(
    eng: TestClient, database: Database
) -> None:
    # binary floats give 3 x 0.1 = 0.30000000000000004; exact decimals give 0.3
    kit = make_part(database, "KIT", release=False)
    shim = make_part(database, "SHIM", release=False)
    r = eng.post(
        f"{API}/bom/{kit['id']}/children",
        json={"child_id": shim["id"], "quantity": 0.1, "uom": "kg"},
    )
    assert r.status_code == 201, r.text
    order = ok(eng.post(WO, json={"product_id": kit["id"], "quantity": 3}), 201)
    assert order["quantity"] == "3"
    answer = ok(eng.get(f"{WO}/{order['id']}/materials"))
    assert needs(answer) == [("SHIM", "KG", "0.1", "0.3", 1)]
    assert answer["quantity"] == "3"


def test_order_quantity_is_exact_and_bounded(eng: TestClient, database: Database) -> None:
    part = make_part(database, "ROD", release=False)
    made = ok(eng.post(WO, json={"product_id": part["id"], "quantity": "2.500"}), 201)
    assert made["quantity"] == "2.5"
    for bad in ("NaN", "Infinity", 0.1 + 0.2, "0.0000001", "1000000000000", True, "x"):
        r = eng.post(WO, json={"product_id": part["id"], "quantity": bad})
        assert r.status_code == 422, (bad, r.text)
