"""Finding 6 (and 7's deep tree): explosions bounded in rows and depth, pages bounded in work.

Before: a BOM doubling at each level exploded to every one of its rows (1.3 GB for 262,142),
`limit=1` built them all, and the tree of a chain 254 levels deep answered 500. Now: 413
`structure_too_large` / `structure_too_deep` before a row is built, pages built alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import make_settings
from tests.helpers import release_four_eyes
from yuantus.bom import explosion
from yuantus.bom import service as bom_service
from yuantus.bom.limits import StructureLimits
from yuantus.breakage.models import BreakageIncident
from yuantus.core.db import Database
from yuantus.core.settings import Settings
from yuantus.item import service as item_service
from yuantus.item.models import Item
from yuantus.manufacturing.models import WorkOrderMaterial

Client = Callable[[str], TestClient]
Json = dict[str, Any]
MAX_ROWS = 1000
LEVELS = 12
# level k holds 2^k rows: 2 + 4 + ... + 2^12
DOUBLING_ROWS = 2 ** (LEVELS + 1) - 2  # 8190


@pytest.fixture
def settings(backend_url: str, tmp_path: Path) -> Settings:
    """A small row cap, so a 12-level doubling BOM (8,190 rows) is over it."""
    return make_settings(tmp_path / "data", backend_url, max_structure_rows=MAX_ROWS)


def _doubling(database: Database, levels: int = LEVELS) -> list[Item]:
    """P0 .. P<levels>: each part uses the next one twice (find numbers 10 and 20)."""
    with database.scope() as s:
        parts = [
            item_service.create(s, "Part", f"P{n}", item_number=f"P{n}") for n in range(levels + 1)
        ]
        for upper, lower in itertools.pairwise(parts):
            bom_service.add_child(s, upper, lower, 1, find_num="10")
            bom_service.add_child(s, upper, lower, 2, find_num="20")
    return parts


def _chain(database: Database, depth: int) -> list[Item]:
    """C0 -> C1 -> ... -> C<depth>, one line each (built top down: each cycle check is short)."""
    with database.scope() as s:
        parts = [
            item_service.create(s, "Part", f"C{n}", item_number=f"C{n}") for n in range(depth + 1)
        ]
        for upper, lower in itertools.pairwise(parts):
            bom_service.add_child(s, upper, lower, 1)
    return parts


def _refused(r: Any, code: str) -> Json:
    assert r.status_code == 413, r.text
    detail: Json = r.json()["detail"]
    assert detail["code"] == code, detail
    return detail


def test_explosions_past_the_row_cap_are_refused_and_pages_are_built_alone(
    as_user: Client, database: Database
) -> None:
    top = _doubling(database)[0]
    viewer = as_user("viewer")
    flat = f"/api/v1/bom/{top.id}/flat"
    detail = _refused(viewer.get(flat), "structure_too_large")
    assert detail["context"]["rows"] == DOUBLING_ROWS
    assert detail["context"]["max_rows"] == MAX_ROWS
    assert viewer.get(flat, params={"format": "csv"}).status_code == 413
    assert _refused(viewer.get(f"/api/v1/bom/{top.id}/tree"), "structure_too_large")
    compare = viewer.get("/api/v1/bom/compare", params={"left_id": top.id, "right_id": top.id})
    assert _refused(compare, "structure_too_large")["context"]["rows"] == 2 * DOUBLING_ROWS
    preview = viewer.get(
        "/api/v1/bom/compare/delta/preview", params={"left_id": top.id, "right_id": top.id}
    )
    assert preview.status_code == 413
    # a page is no larger than its limit: served, with the exact total
    first = viewer.get(flat, params={"limit": 1})
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["total"] == DOUBLING_ROWS
    assert [(r["level"], r["path"], r["find_num"]) for r in body["items"]] == [
        (1, ["P0", "P1"], "10")
    ]
    # the last rows, depth first: P10's second line (level 11) and P11's two (level 12)
    last = viewer.get(flat, params={"limit": 5, "offset": DOUBLING_ROWS - 5}).json()
    assert [(r["level"], r["find_num"]) for r in last["items"]] == [
        (12, "10"),
        (12, "20"),
        (11, "20"),
        (12, "10"),
        (12, "20"),
    ]
    # extended quantity: 2 x 2 x ... down the all-"20" branch = 2^12
    assert last["items"][-1]["extended_quantity"] == str(2**LEVELS)
    assert viewer.get(flat, params={"offset": DOUBLING_ROWS}).json()["items"] == []
    # a page as large as the cap is refused like the whole explosion
    assert viewer.get(flat, params={"limit": MAX_ROWS + 1}).status_code == 413
    # fewer levels fit: 2 + 4 + 8 rows
    assert viewer.get(flat, params={"levels": 3}).json()["total"] == 14
    tree = viewer.get(f"/api/v1/bom/{top.id}/tree", params={"levels": 3})
    assert tree.status_code == 200, tree.text


def test_pages_equal_the_slices_of_the_whole_explosion(database: Database) -> None:
    parts = _doubling(database, 6)  # 126 rows, every sub-assembly shared by two lines
    big = StructureLimits(max_rows=10_000, max_depth=64)
    with database.scope() as s:
        top = item_service.get(s, parts[0].id)
        whole = explosion.explode_flat(s, top, limits=big)
        assert len(whole) == 2**7 - 2
        for levels in (-1, 1, 4):
            rows = explosion.explode_flat(s, top, levels, limits=big)
            for offset in (0, 1, 2, 5, 31, 62, 63, 100, 125, 126, 200):
                for limit in (1, 3, 40, None):
                    page, total = explosion.flat_page(
                        s, top, levels, limits=big, offset=offset, limit=limit
                    )
                    assert total == len(rows)
                    end = None if limit is None else offset + limit
                    assert [(r.line_id, r.path, r.extended_quantity) for r in page] == [
                        (r.line_id, r.path, r.extended_quantity) for r in rows[offset:end]
                    ], (levels, offset, limit)


def test_live_materials_past_the_cap_are_refused(as_user: Client, database: Database) -> None:
    top = _doubling(database)[0]
    order = as_user("production").post(
        "/api/v1/workorders", json={"product_id": top.id, "quantity": 1}
    )
    assert order.status_code == 201, order.text
    r = as_user("viewer").get(f"/api/v1/workorders/{order.json()['id']}/materials")
    assert _refused(r, "structure_too_large")["context"]["rows"] == DOUBLING_ROWS


def test_a_chain_deeper_than_the_depth_cap_is_413_not_500(
    as_user: Client, database: Database
) -> None:
    top = _chain(database, 254)[0]
    viewer = as_user("viewer")
    for path in ("tree", "flat"):
        detail = _refused(viewer.get(f"/api/v1/bom/{top.id}/{path}"), "structure_too_deep")
        assert detail["context"] == {"max_depth": 64, "levels": -1}
        assert viewer.get(f"/api/v1/bom/{top.id}/{path}", params={"levels": 65}).status_code == 413
    # at most the cap: answered, 64 levels nested
    tree = viewer.get(f"/api/v1/bom/{top.id}/tree", params={"levels": 64})
    assert tree.status_code == 200, tree.text
    node, depth = tree.json(), 0
    while node["children"]:
        node, depth = node["children"][0], depth + 1
    assert (depth, node["item_number"]) == (64, "C64")
    flat = viewer.get(f"/api/v1/bom/{top.id}/flat", params={"levels": 64, "limit": 2}).json()
    assert flat["total"] == 64
    # from the middle of the chain, 190 levels remain: still too deep; from C200, 54 fit
    middle = _refused(viewer.get(f"/api/v1/bom/{_id(database, 'C64')}/tree"), "structure_too_deep")
    assert middle["context"]["max_depth"] == 64
    assert viewer.get(f"/api/v1/bom/{_id(database, 'C200')}/flat").json()["total"] == 54


def _id(database: Database, number: str) -> str:
    with database.scope() as s:
        return item_service.get_by_number(s, "Part", number).id


def _released_doubling(database: Database) -> list[Item]:
    """The doubling BOM with every part released (bottom up: what a part uses goes first)."""
    parts = _doubling(database)
    with database.scope() as s:
        for part in reversed(parts):
            release_four_eyes(s, item_service.get(s, part.id))
    return parts


def test_releasing_a_work_order_past_the_configured_cap_is_413_and_stores_nothing(
    as_user: Client, database: Database
) -> None:
    parts = _released_doubling(database)
    eng, production = as_user("engineer"), as_user("production")
    wc = eng.post("/api/v1/workcenters", json={"code": "WC-CAP", "name": "cap"}).json()
    routing = eng.post(
        "/api/v1/routings",
        json={"product_id": parts[0].id, "routing_code": "RT-CAP", "name": "r", "is_primary": True},
    ).json()
    op = {"operation_number": 10, "name": "Turn", "workcenter_id": wc["id"]}
    assert eng.post(f"/api/v1/routings/{routing['id']}/operations", json=op).status_code == 201
    moved = eng.post(f"/api/v1/routings/{routing['id']}/transitions", json={"action": "release"})
    assert moved.status_code == 200, moved.text
    order = production.post("/api/v1/workorders", json={"product_id": parts[0].id, "quantity": 1})
    assert order.status_code == 201, order.text
    order_url = f"/api/v1/workorders/{order.json()['id']}"
    # before: release walked the default cap (500,000 rows) and stored the 8,190-row explosion
    r = production.post(f"{order_url}/transitions", json={"action": "release"})
    assert _refused(r, "structure_too_large")["context"]["max_rows"] == MAX_ROWS
    after = production.get(order_url).json()
    assert (after["state"], after["released_at"]) == ("draft", None)
    with database.scope() as s:
        assert s.scalar(select(func.count()).select_from(WorkOrderMaterial)) == 0


def test_eco_changes_report_and_breakage_use_the_configured_cap(
    as_user: Client, database: Database
) -> None:
    parts = _released_doubling(database)
    eng = as_user("engineer")
    eco = eng.post(
        "/api/v1/eco", json={"product_id": parts[0].id, "name": "cap", "eco_type": "bom"}
    )
    assert eco.status_code == 201, eco.text
    eco_url = f"/api/v1/eco/{eco.json()['id']}"
    assert eng.post(f"{eco_url}/new-revision").status_code == 200
    # before: both compared the two 8,190-row explosions under the default cap
    _refused(eng.get(f"{eco_url}/bom-changes"), "structure_too_large")
    _refused(eng.get(f"{eco_url}/report"), "structure_too_large")
    incident = {
        "product_item_id": parts[0].id,
        "component_item_id": parts[-1].id,
        "description": "snapped",
        "severity": "high",
    }
    _refused(as_user("quality").post("/api/v1/breakages", json=incident), "structure_too_large")
    with database.scope() as s:
        assert s.scalar(select(func.count()).select_from(BreakageIncident)) == 0
