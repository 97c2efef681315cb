"""BOM line writes over HTTP: add, update, delete, the rules, cycles (also racing), revise."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.bom.conftest import MakePart, release_item
from tests.conftest import bearer
from yuantus.bom import service as bom_service
from yuantus.bom.models import BomLine
from yuantus.core.db import Database
from yuantus.core.errors import Conflict, Unprocessable
from yuantus.identity.models import User
from yuantus.item import service as item_service

AsUser = Callable[[str], TestClient]


def _add(c: TestClient, parent: str, child: str, **body: object) -> httpx.Response:
    r: httpx.Response = c.post(f"/api/v1/bom/{parent}/children", json={"child_id": child, **body})
    return r


def test_add_update_delete_line(as_user: AsUser, make_part: MakePart) -> None:
    eng = as_user("engineer")
    a, b = make_part("A-100"), make_part("B-100")
    r = eng.post(
        f"/api/v1/bom/{a.id}/children",
        json={
            "child_id": b.id,
            "quantity": 2.5,
            "uom": "kg",
            "find_num": "10",
            "refdes": ["r2, r1", "C3"],
            "notes": "glued",
        },
    )
    assert r.status_code == 201, r.text
    line = r.json()
    assert line["child_config_id"] == b.config_id
    assert line["parent_id"] == a.id
    assert (line["quantity"], line["uom"], line["find_num"]) == ("2.5", "KG", "10")
    assert line["refdes"] == ["C3", "R1", "R2"]
    assert line["sequence"] == 10
    second = eng.post(f"/api/v1/bom/{a.id}/children", json={"child_id": b.id, "quantity": 1})
    assert second.json()["uom"] == "EA"
    assert second.json()["sequence"] == 20

    r = eng.patch(f"/api/v1/bom/lines/{line['line_id']}", json={"quantity": 3, "find_num": "20"})
    assert r.status_code == 200
    assert r.json()["quantity"] == "3"
    assert r.json()["find_num"] == "20"
    assert r.json()["uom"] == "KG"
    assert eng.get(f"/api/v1/bom/lines/{line['line_id']}").json()["quantity"] == "3"

    assert eng.delete(f"/api/v1/bom/lines/{line['line_id']}").status_code == 204
    assert eng.get(f"/api/v1/bom/lines/{line['line_id']}").status_code == 404
    assert eng.delete(f"/api/v1/bom/lines/{line['line_id']}").json()["detail"]["code"] == (
        "bom_line_not_found"
    )


def test_bad_input_is_refused_and_writes_nothing(
    as_user: AsUser, make_part: MakePart, database: Database
) -> None:
    eng = as_user("engineer")
    a, b = make_part("A-1"), make_part("B-1")
    doc = make_part("D-1", item_type="Document")
    # not positive, not a number, not finite, finer than 6 places, beyond NUMERIC(18, 6)
    bad = (0, -1, "0", "lots", None, True, "NaN", "Infinity", "1e400", 0.1 + 0.2, "0.0000001")
    for qty in (*bad, "1000000000000", 1e12):
        r = _add(eng, a.id, b.id, quantity=qty)
        assert r.status_code == 422, (qty, r.text)
    r = _add(eng, a.id, doc.id, quantity=1)
    assert r.status_code == 422
    assert r.json()["detail"]["code"] == "child_not_part"
    r = _add(eng, doc.id, a.id, quantity=1)
    assert r.json()["detail"]["code"] == "parent_not_part"
    r = _add(eng, "nope", b.id, quantity=1)
    assert r.status_code == 404
    r = _add(eng, a.id, "nope", quantity=1)
    assert r.status_code == 404
    r = eng.post(f"/api/v1/bom/{a.id}/children", json={"child_id": b.id, "quantity": 1, "x": 1})
    assert r.status_code == 422
    line = _add(eng, a.id, b.id, quantity=1).json()
    url = f"/api/v1/bom/lines/{line['line_id']}"
    assert eng.patch(url, json={"quantity": 0}).status_code == 422
    assert eng.patch("/api/v1/bom/lines/nope", json={"quantity": 1}).status_code == 404
    with database.scope() as s:
        assert s.scalar(select(func.count()).select_from(BomLine)) == 1


@pytest.mark.parametrize(
    "qty", [0, "-0.5", "abc", Decimal("NaN"), "0.0000001", "1000000000000", True, None]
)
def test_service_refuses_a_bad_quantity_as_invalid_quantity(
    make_part: MakePart, database: Database, qty: object
) -> None:
    a, b = make_part("A-Q"), make_part("B-Q")
    with database.scope() as s, pytest.raises(Unprocessable) as caught:
        bom_service.add_child(s, item_service.get(s, a.id), b, qty)  # type: ignore[arg-type]
    assert caught.value.code == "invalid_quantity"


def test_service_takes_exact_text_and_floats_by_their_shortest_text(
    make_part: MakePart, database: Database
) -> None:
    a, b, c = make_part("A-F"), make_part("B-F"), make_part("C-F")
    with database.scope() as s:
        parent = item_service.get(s, a.id)
        assert bom_service.add_child(s, parent, b, "0.125").quantity == Decimal("0.125")
        line = bom_service.add_child(s, parent, c, 0.1)  # type: ignore[arg-type]
        assert line.quantity == Decimal("0.1")


def test_roles_writes_need_engineer_reads_any(as_user: AsUser, make_part: MakePart) -> None:
    a, b = make_part("A-2"), make_part("B-2")
    r = _add(as_user("viewer"), a.id, b.id, quantity=1)
    assert r.status_code == 403
    assert _add(as_user("admin"), a.id, b.id, quantity=1).status_code == 201
    assert as_user("viewer").get(f"/api/v1/bom/{a.id}/flat").json()["total"] == 1


def test_frozen_parent_refuses_changes(
    as_user: AsUser, make_part: MakePart, database: Database, users: dict[str, User]
) -> None:
    eng = as_user("engineer")
    a, b = make_part("A-3"), make_part("B-3", release=True)
    line = _add(eng, a.id, b.id, quantity=1).json()
    with database.scope() as s:
        release_item(s, a, users["engineer"])
    for r in (
        _add(eng, a.id, b.id, quantity=1),
        eng.patch(f"/api/v1/bom/lines/{line['line_id']}", json={"quantity": 5}),
        eng.delete(f"/api/v1/bom/lines/{line['line_id']}"),
    ):
        assert r.status_code == 409
        assert r.json()["detail"]["code"] == "item_frozen"
    assert eng.get(f"/api/v1/bom/lines/{line['line_id']}").json()["quantity"] == "1"


def test_cycles_are_refused_at_any_depth(as_user: AsUser, make_part: MakePart) -> None:
    eng = as_user("engineer")
    a, b, c = make_part("A-4"), make_part("B-4"), make_part("C-4")
    r = _add(eng, a.id, a.id, quantity=1)
    assert r.status_code == 409
    assert r.json()["detail"]["context"]["path"] == ["A-4", "A-4"]
    assert _add(eng, a.id, b.id, quantity=1).status_code == 201
    assert _add(eng, b.id, c.id, quantity=1).status_code == 201
    r = _add(eng, c.id, a.id, quantity=1)
    assert r.status_code == 409
    detail = r.json()["detail"]
    assert detail["code"] == "bom_cycle"
    assert detail["context"]["path"] == ["C-4", "A-4", "B-4", "C-4"]


def test_cycle_through_a_draft_revision_is_refused(
    make_part: MakePart, database: Database, users: dict[str, User]
) -> None:
    a, b = make_part("A-5", release=True), make_part("B-5")
    with database.scope() as s:
        draft = item_service.revise(s, item_service.get(s, a.id), users["engineer"])
        bom_service.add_child(s, draft, b, 1)
    with database.scope() as s:
        with pytest.raises(Conflict) as caught:
            bom_service.add_child(s, item_service.get(s, b.id), item_service.get(s, a.id), 1)
        assert caught.value.code == "bom_cycle"


def test_racing_edges_cannot_close_a_cycle(
    app: FastAPI, users: dict[str, User], make_part: MakePart, database: Database
) -> None:
    a, b = make_part("A-6"), make_part("B-6")
    barrier = threading.Barrier(2)
    results: dict[str, httpx.Response] = {}

    def add(parent_id: str, child_id: str, name: str) -> None:
        # each thread its own client: two requests in flight at the same time
        with TestClient(app, headers=bearer(users["engineer"])) as c:
            barrier.wait()
            results[name] = c.post(
                f"/api/v1/bom/{parent_id}/children", json={"child_id": child_id, "quantity": 1}
            )

    threads = [
        threading.Thread(target=add, args=(a.id, b.id, "ab")),
        threading.Thread(target=add, args=(b.id, a.id, "ba")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results.values())
    assert codes == [201, 409]
    loser = next(r for r in results.values() if r.status_code == 409)
    assert loser.json()["detail"]["code"] == "bom_cycle"
    assert loser.json()["detail"]["context"]["path"] in (
        ["A-6", "B-6", "A-6"],
        ["B-6", "A-6", "B-6"],
    )
    with database.scope() as s:
        assert s.scalar(select(func.count()).select_from(BomLine)) == 1


def test_revise_copies_lines_and_discard_removes_them(
    make_part: MakePart, database: Database, users: dict[str, User]
) -> None:
    a, b, c = make_part("A-7"), make_part("B-7", release=True), make_part("C-7", release=True)
    with database.scope() as s:
        bom_service.add_child(
            s, item_service.get(s, a.id), b, 2, find_num="10", refdes="R1 R2", notes="n"
        )
        bom_service.add_child(s, item_service.get(s, a.id), c, Decimal("1.5"), uom="m")
        release_item(s, a, users["engineer"])
    with database.scope() as s:
        draft = item_service.revise(s, item_service.get(s, a.id), users["engineer"])
        copied = s.scalars(select(BomLine).where(BomLine.parent_item_id == draft.id)).all()
        original = s.scalars(select(BomLine).where(BomLine.parent_item_id == a.id)).all()

        def sig(line: BomLine) -> tuple[object, ...]:
            return (
                line.child_config_id,
                line.quantity,
                line.uom,
                line.find_num,
                line.refdes,
                line.sequence,
                line.notes,
            )

        assert sorted(map(sig, copied)) == sorted(map(sig, original))
        assert {line.id for line in copied}.isdisjoint({line.id for line in original})
        item_service.discard_draft(s, draft)
    with database.scope() as s:
        total = s.scalar(select(func.count()).select_from(BomLine))
        assert total == 2
