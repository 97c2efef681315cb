"""Explosion (flat, tree), where-used, levels, and the query count that grows with depth only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.bom.conftest import MakePart
from yuantus.bom import service as bom_service
from yuantus.core.db import Database
from yuantus.item import service as item_service
from yuantus.item.models import Item

AsUser = Callable[[str], TestClient]


def test_flat_explosion_of_three_levels(as_user: AsUser, example: dict[str, Item]) -> None:
    r = as_user("viewer").get(f"/api/v1/bom/{example['TOP'].id}/flat")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["item"]["item_number"] == "TOP"
    assert body["item"]["revision"] == "A"
    assert body["total"] == 8
    got = [
        (row["level"], row["path"], row["quantity"], row["extended_quantity"], row["uom"])
        for row in body["items"]
    ]
    assert got == [
        (1, ["TOP", "ASM1"], "2", "2", "EA"),
        (2, ["TOP", "ASM1", "BOLT"], "4", "8", "EA"),
        (2, ["TOP", "ASM1", "SUB"], "1", "2", "EA"),
        (3, ["TOP", "ASM1", "SUB", "BOLT"], "2", "4", "EA"),
        (3, ["TOP", "ASM1", "SUB", "WIRE"], "1.5", "3", "M"),
        (1, ["TOP", "BOLT"], "6", "6", "EA"),
        (1, ["TOP", "RES"], "3", "3", "EA"),
        (1, ["TOP", "WASHER"], "10", "10", "EA"),
    ]
    first = body["items"][0]
    assert first["child_id"] == example["ASM1"].id
    assert first["child_number"] == "ASM1"
    assert first["child_revision"] == "A"
    assert first["child_state"] == "Released"
    assert first["child_name"] == "ASM1 name"
    assert first["parent_id"] == example["TOP"].id
    assert first["line_id"]
    assert body["items"][6]["refdes"] == ["R1", "R2", "R3"]


def test_levels_limit_and_paging(as_user: AsUser, example: dict[str, Item]) -> None:
    c = as_user("viewer")
    top = example["TOP"].id
    assert c.get(f"/api/v1/bom/{top}/flat?levels=1").json()["total"] == 4
    assert c.get(f"/api/v1/bom/{top}/flat?levels=2").json()["total"] == 6
    assert c.get(f"/api/v1/bom/{top}/flat?levels=0").json()["total"] == 0
    page = c.get(f"/api/v1/bom/{top}/flat?limit=2&offset=1").json()
    assert page["total"] == 8
    assert [row["path"][-1] for row in page["items"]] == ["BOLT", "SUB"]
    for path in ("flat", "tree", "where-used"):
        r = c.get(f"/api/v1/bom/{top}/{path}?levels=-2")
        assert r.status_code == 422
        assert r.json()["detail"]["code"] == "invalid_levels"
        assert c.get(f"/api/v1/bom/nope/{path}").status_code == 404


def test_tree_nests_children_with_their_lines(as_user: AsUser, example: dict[str, Item]) -> None:
    tree = as_user("viewer").get(f"/api/v1/bom/{example['TOP'].id}/tree").json()
    assert tree["item_number"] == "TOP"
    assert tree["line"] is None

    def shape(node: dict[str, Any]) -> list[Any]:
        return [[c["item_number"], c["line"]["quantity"], shape(c)] for c in node["children"]]

    assert shape(tree) == [
        ["ASM1", "2", [["BOLT", "4", []], ["SUB", "1", [["BOLT", "2", []], ["WIRE", "1.5", []]]]]],
        ["BOLT", "6", []],
        ["RES", "3", []],
        ["WASHER", "10", []],
    ]
    one_level = as_user("viewer").get(f"/api/v1/bom/{example['TOP'].id}/tree?levels=1").json()
    assert [c["children"] for c in one_level["children"]] == [[], [], [], []]


def test_fractional_quantities_multiply_exactly_down_three_levels(
    as_user: AsUser, database: Database, make_part: MakePart
) -> None:
    eng = as_user("engineer")
    top, asm, sub, glue = (make_part(n) for n in ("F-TOP", "F-ASM", "F-SUB", "F-GLUE"))
    # 0.25 per top, 3 per assembly, 1.5 L per sub-assembly: 0.25 x 3 x 1.5 = 1.125 L
    for parent, child, qty in ((top, asm, 0.25), (asm, sub, "3"), (sub, glue, "1.5")):
        r = eng.post(
            f"/api/v1/bom/{parent.id}/children",
            json={"child_id": child.id, "quantity": qty, "uom": "L" if child is glue else "EA"},
        )
        assert r.status_code == 201, r.text
    rows = eng.get(f"/api/v1/bom/{top.id}/flat").json()["items"]
    assert [(r["quantity"], r["extended_quantity"]) for r in rows] == [
        ("0.25", "0.25"),
        ("3", "0.75"),
        ("1.5", "1.125"),
    ]
    with database.scope() as s:
        flat = bom_service.explode_flat(s, item_service.get(s, top.id))
    assert [r.extended_quantity for r in flat] == [
        Decimal("0.25"),
        Decimal("0.75"),
        Decimal("1.125"),
    ]


def test_extended_quantities_keep_every_digit(database: Database, make_part: MakePart) -> None:
    # (10^12 - 10^-6)^2 x 10^-6 has 36 digits: Python's default 28-digit context would round
    big = "999999999999.999999"
    parts = [make_part(f"D-{n}") for n in range(4)]
    with database.scope() as s:
        p = [item_service.get(s, part.id) for part in parts]
        bom_service.add_child(s, p[0], p[1], big)
        bom_service.add_child(s, p[1], p[2], Decimal(big))
        bom_service.add_child(s, p[2], p[3], "0.000001")
    with database.scope() as s:
        flat = bom_service.explode_flat(s, item_service.get(s, parts[0].id))
    assert flat[0].quantity == Decimal(big)
    assert flat[-1].extended_quantity == Decimal("999999999999999998.000000000000000001")


def test_where_used_walks_current_revisions_up_to_the_roots(
    as_user: AsUser, example: dict[str, Item]
) -> None:
    c = as_user("viewer")
    body = c.get(f"/api/v1/bom/{example['WIRE'].id}/where-used").json()
    got = [(r["level"], r["parent_number"], r["parent_revision"], r["path"]) for r in body["items"]]
    # TOP rev A is the released current revision; the draft rev B does not count
    assert got == [
        (1, "SUB", "A", ["WIRE", "SUB"]),
        (2, "ASM1", "A", ["WIRE", "SUB", "ASM1"]),
        (3, "TOP", "A", ["WIRE", "SUB", "ASM1", "TOP"]),
    ]
    bolt = c.get(f"/api/v1/bom/{example['BOLT'].id}/where-used?levels=1").json()
    assert sorted(r["parent_number"] for r in bolt["items"]) == ["ASM1", "SUB", "TOP"]
    assert body["item"]["item_number"] == "WIRE"


@contextmanager
def count_queries(database: Database) -> Iterator[list[str]]:
    """Collect the SQL statements run on the engine."""
    seen: list[str] = []

    def before(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(database.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", before)


def _wide_product(database: Database, number: str, fan_out: int) -> Item:
    """A 3-level product with `fan_out` children per assembly."""
    with database.scope() as s:
        top = item_service.create(s, "Part", number, item_number=number)
        for i in range(fan_out):
            asm = item_service.create(s, "Part", "asm", item_number=f"{number}-A{i}")
            bom_service.add_child(s, top, asm, 1)
            for j in range(fan_out):
                leaf = item_service.create(s, "Part", "leaf", item_number=f"{number}-A{i}-L{j}")
                bom_service.add_child(s, asm, leaf, 2)
    return top


def test_explosion_queries_grow_with_depth_not_lines(
    database: Database, make_part: MakePart
) -> None:
    small, big = _wide_product(database, "S", 2), _wide_product(database, "W", 12)
    counts = []
    for product, expected_rows in ((small, 2 + 4), (big, 12 + 144)):
        with database.scope() as s, count_queries(database) as seen:
            rows = bom_service.explode_flat(s, item_service.get(s, product.id))
        assert len(rows) == expected_rows
        counts.append(len([q for q in seen if "meta_bom_lines" in q or "meta_items" in q]))
    assert counts[0] == counts[1]
    assert counts[1] <= 2 * 3 + 1  # lines + current children per level, and the root


def test_where_used_query_count_is_per_level(database: Database, make_part: MakePart) -> None:
    big = _wide_product(database, "U", 10)
    with database.scope() as s:
        leaf = item_service.get_by_number(s, "Part", "U-A3-L7")
        with count_queries(database) as seen:
            rows = bom_service.where_used(s, leaf)
    assert [(r.level, r.parent_number) for r in rows] == [(1, "U-A3"), (2, "U")]
    assert big.item_number == "U"
    assert len(seen) <= 3
