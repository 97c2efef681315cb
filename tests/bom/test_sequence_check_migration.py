"""Migration 0025_bom_checks on SQLite: unreadable sequences repaired, then refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.conftest import make_settings
from yuantus.bom import explosion
from yuantus.bom import service as bom_service
from yuantus.core import migrate
from yuantus.core.db import Database
from yuantus.item import service as item_service

BEFORE = "0023_login_throttle"


def test_upgrade_repairs_sequences_sqlite_stored_as_text_or_float(tmp_path: Path) -> None:
    db = Database(make_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'old.db'}"))
    try:
        # the rows are made through today's services (their hooks need today's tables), then
        # the schema goes back to before the check, where SQLite would store anything
        migrate.upgrade(db.engine)
        with db.scope() as s:
            top = item_service.create(s, "Part", "Top", item_number="TOP")
            children = [item_service.create(s, "Part", n, item_number=n) for n in "ABCD"]
            lines = [bom_service.add_child(s, top, c, 1).id for c in children]
        command.downgrade(migrate.alembic_config(db.engine), BEFORE)
        stored = ["'abc'", "12.7", str(2**40), "'-99999999999'"]
        with db.engine.begin() as conn:
            for line_id, value in zip(lines, stored, strict=True):
                conn.execute(
                    text(f"UPDATE meta_bom_lines SET sequence = {value} WHERE id = :id"),
                    {"id": line_id},
                )
        migrate.upgrade(db.engine)
        with db.engine.connect() as conn:
            found = conn.execute(text("SELECT id, sequence FROM meta_bom_lines")).all()
        repaired: dict[str, int] = {row[0]: row[1] for row in found}
        # the integer SQLite reads from each value, clamped into the INTEGER range
        assert [repaired[i] for i in lines] == [0, 12, 2**31 - 1, -(2**31)]
        with db.scope() as s:
            rows = explosion.explode_flat(s, item_service.get(s, top.id))
        assert sorted(r.sequence for r in rows) == [-(2**31), 0, 12, 2**31 - 1]
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text("UPDATE meta_bom_lines SET sequence = 'abc'"))
    finally:
        db.dispose()
