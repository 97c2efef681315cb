"""Finding 5 (and 7's BOM parts): typed delta operations, bounded sequences, a checked column.

Before: a delta stored the text "abc" as an integer sequence (SQLite then answered 500 to
every read of the BOM), `changes: [{}]` and wrongly typed fields answered 500, and a
sequence past 2^31 answered 500 on PostgreSQL. Now: 422 with nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from yuantus.audit.models import AuditEvent
from yuantus.bom.models import BomLine
from yuantus.core.db import Database, new_id, utcnow

Client = Callable[[str], TestClient]
Json = dict[str, Any]
APPLY = "/api/v1/bom/compare/delta/apply"
TOO_BIG = 2**31


def _counts(database: Database) -> tuple[int, int]:
    """(BOM lines, audit rows) as stored."""
    with database.scope() as s:
        return (
            s.scalar(select(func.count()).select_from(BomLine)) or 0,
            s.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


def _part(eng: TestClient, number: str) -> Json:
    r = eng.post("/api/v1/items", json={"item_type": "Part", "name": number, "item_number": number})
    assert r.status_code == 201, r.text
    part: Json = r.json()
    return part


def _op(kind: str, child: str, **fields: Any) -> Json:
    op = {"op": kind, "line_key": "BOLT", "level": 1, "path": ["BOLT"], "child_config_id": child}
    return {**op, **fields}


def test_wrongly_typed_delta_operations_are_refused_with_nothing_written(
    as_user: Client, database: Database
) -> None:
    eng = as_user("engineer")
    top, bolt, nut = _part(eng, "TOP"), _part(eng, "BOLT"), _part(eng, "NUT")
    added = eng.post(
        f"/api/v1/bom/{top['id']}/children", json={"child_id": bolt["id"], "quantity": 2}
    )
    assert added.status_code == 201, added.text
    before = _counts(database)
    cfg = bolt["config_id"]
    refused = [
        # the reported one: text in the integer sequence
        [_op("add", nut["config_id"], properties={"quantity": 1, "sequence": "abc"})],
        # past the column (PostgreSQL INTEGER)
        [_op("add", nut["config_id"], properties={"quantity": 1, "sequence": TOO_BIG})],
        [_op("update", cfg, changes=[{"field": "sequence", "after": -(2**31) - 1}])],
        # an empty change, an unknown field, a wrongly typed value
        [_op("update", cfg, changes=[{}])],
        [_op("update", cfg, changes=[{"field": "colour", "before": 1, "after": 2}])],
        [_op("update", cfg, changes=[{"field": "quantity", "before": "2", "after": "x"}])],
        [_op("update", cfg, changes=[{"field": "uom", "before": "EA", "after": ["M"]}])],
        [_op("update", cfg, changes=[])],
        [_op("update", cfg, changes="quantity")],
        # properties of the wrong type, at either level
        [_op("add", nut["config_id"], properties="abc")],
        [_op("add", nut["config_id"], properties={"quantity": 1, "properties": [1, 2]})],
        [_op("remove", cfg, properties={"quantity": {"n": 2}})],
        [_op("add", nut["config_id"], level="one")],
        [_op("add", nut["config_id"], child_config_id=["x"])],
        ["not an operation"],
    ]
    for operations in refused:
        r = eng.post(APPLY, json={"target_id": top["id"], "operations": operations})
        assert r.status_code == 422, (operations, r.text)
        detail = r.json()["detail"]
        assert detail["code"] in ("validation_failed", "invalid_quantity"), detail
        assert detail["context"]["errors"], detail
        assert _counts(database) == before, operations
    # the BOM still reads, and a well-typed delta applies
    assert eng.get(f"/api/v1/bom/{top['id']}/flat").status_code == 200
    ok = [_op("add", nut["config_id"], properties={"quantity": 3, "sequence": TOO_BIG - 1})]
    r = eng.post(APPLY, json={"target_id": top["id"], "operations": ok})
    assert r.status_code == 200, r.text
    rows = eng.get(f"/api/v1/bom/{top['id']}/flat").json()["items"]
    assert [(x["child_number"], x["quantity"], x["sequence"]) for x in rows] == [
        ("BOLT", "2", 10),
        ("NUT", "3", TOO_BIG - 1),
    ]


def test_sequence_past_the_column_is_refused_everywhere_it_is_accepted(
    as_user: Client, database: Database
) -> None:
    eng = as_user("engineer")
    top, bolt = _part(eng, "TOP"), _part(eng, "BOLT")
    url = f"/api/v1/bom/{top['id']}/children"
    for sequence in (TOO_BIG, -(2**31) - 1, 10**40, "abc", 1.5):
        r = eng.post(url, json={"child_id": bolt["id"], "quantity": 1, "sequence": sequence})
        assert r.status_code == 422, (sequence, r.text)
    assert _counts(database)[0] == 0
    line = eng.post(url, json={"child_id": bolt["id"], "quantity": 1, "sequence": TOO_BIG - 1})
    assert line.status_code == 201, line.text
    # the next default sequence (last + 10) stays inside the column
    nut = _part(eng, "NUT")
    follow = eng.post(url, json={"child_id": nut["id"], "quantity": 1})
    assert follow.status_code == 201, follow.text
    assert follow.json()["sequence"] == TOO_BIG - 1
    line_url = f"/api/v1/bom/lines/{line.json()['line_id']}"
    assert eng.patch(line_url, json={"sequence": TOO_BIG}).status_code == 422
    assert eng.get(line_url).json()["sequence"] == TOO_BIG - 1
    csv = f"child,quantity,sequence\nBOLT,1,{TOO_BIG}\nBOLT,1,{'9' * 5000}\n".encode()
    target = _part(eng, "TOP-2")
    r = eng.post(
        f"/api/v1/bom/{target['id']}/import",
        files={"file": ("bom.csv", csv, "text/csv")},
    )
    assert r.status_code == 422, r.text
    errors = r.json()["detail"]["context"]["errors"]
    assert [(e["row"], e["code"]) for e in errors] == [
        (2, "invalid_sequence"),
        (3, "invalid_sequence"),
    ]
    assert _counts(database)[0] == 2


@pytest.mark.parametrize("value", ["abc", TOO_BIG])
def test_the_database_refuses_a_wrong_sequence_too(
    as_user: Client, database: Database, value: object
) -> None:
    eng = as_user("engineer")
    top, bolt = _part(eng, "TOP"), _part(eng, "BOLT")
    now = utcnow()
    row = {
        "id": new_id(),
        "parent_item_id": top["id"],
        "child_config_id": bolt["config_id"],
        "quantity": "1",
        "uom": "EA",
        "refdes": "[]",
        "sequence": value,
        "properties": "{}",
        "created_at": now,
        "updated_at": now,
    }
    json = "CAST(:{} AS JSONB)" if database.dialect == "postgresql" else ":{}"
    insert = text(
        "INSERT INTO meta_bom_lines (id, parent_item_id, child_config_id, quantity, uom, "
        "refdes, sequence, properties, created_at, updated_at) VALUES (:id, :parent_item_id, "
        f":child_config_id, :quantity, :uom, {json.format('refdes')}, :sequence, "
        f"{json.format('properties')}, :created_at, :updated_at)"
    )
    with pytest.raises(DBAPIError), database.scope() as s:
        s.execute(insert, row)
    assert _counts(database)[0] == 0
