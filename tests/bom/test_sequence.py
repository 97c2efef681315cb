"""A new line's sequence follows its find number when not given; on both databases."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.bom.conftest import MakePart
from yuantus.bom.models import BomLine
from yuantus.core.db import Database


def test_sequence_follows_a_numeric_find_number(
    as_user: Callable[[str], TestClient], make_part: MakePart, database: Database
) -> None:
    eng = as_user("engineer")
    frame, fork, seat, bolt, tag = (
        make_part(n) for n in ("FRAME-1", "FORK-1", "SEAT-1", "BOLT-1", "TAG-1")
    )

    def add(child: str, **body: object) -> int:
        r = eng.post(
            f"/api/v1/bom/{frame.id}/children", json={"child_id": child, "quantity": 1, **body}
        )
        assert r.status_code == 201, r.text
        sequence: int = r.json()["sequence"]
        return sequence

    # find numbers entered out of order: the lines still list in drawing order
    assert add(fork.id, find_num="30") == 30
    assert add(seat.id, find_num=" 5 ") == 5
    # a non-numeric find number, or none, goes after the last line (30 + 10)
    assert add(bolt.id, find_num="A2") == 40
    assert add(tag.id) == 50
    # an explicit sequence always wins
    assert add(make_part("CAP-1").id, find_num="15", sequence=7) == 7
    with database.scope() as s:
        ordered = s.scalars(
            select(BomLine.find_num)
            .where(BomLine.parent_item_id == frame.id)
            .order_by(BomLine.sequence)
        ).all()
    # sequences 5, 7 (given), 30, 40, 50
    assert ordered == ["5", "15", "30", "A2", None]
