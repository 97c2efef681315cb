"""`yuantus bom import|export` against the local database (typer CliRunner, private SQLite)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.helpers import release_four_eyes
from yuantus.audit.models import AuditEvent
from yuantus.bom import service as bom_service
from yuantus.cli import app
from yuantus.core.db import Database
from yuantus.core.settings import Settings
from yuantus.identity import service as identity_service
from yuantus.identity.demo import demo_password
from yuantus.item import service as item_service

runner = CliRunner()


@pytest.fixture
def local_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A private SQLite data dir, migrated by the CLI, with parts, an assembly and users."""
    monkeypatch.setenv("YUANTUS_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("YUANTUS_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    db = Database(Settings())
    with db.scope() as s:
        for name in ("engineer", "approver", "viewer"):
            identity_service.create_user(s, name, demo_password(name), roles=[name])
        bolt = item_service.create(s, "Part", "Hex bolt", item_number="BOLT")
        nut = item_service.create(s, "Part", "Hex nut", item_number="NUT")
        frame = item_service.create(s, "Part", "Frame", item_number="FRAME")
        bom_service.add_child(s, frame, bolt, 4, find_num="10")
        bom_service.add_child(s, frame, nut, "0.5", uom="kg", find_num="20", refdes="N1 n2")
        for part in (bolt, nut, frame):
            release_four_eyes(s, part)
        item_service.create(s, "Part", "Frame copy", item_number="FRAME-2")
    return db


def test_export_csv_then_import_it_into_a_draft(local_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "frame.csv"
    r = runner.invoke(app, ["bom", "export", "FRAME", "--format", "csv", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "wrote 2 row(s) of FRAME rev A" in r.output
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["BOLT", "NUT"]
    assert rows[2][6:10] == ["0.5", "KG", "20", "N1,N2"]

    r = runner.invoke(app, ["bom", "import", str(out), "--parent", "FRAME-2", "--dry-run"])
    assert r.exit_code == 0, r.output
    assert "would add 2 line(s) to FRAME-2 rev A" in r.output
    with local_db.scope() as s:
        draft = item_service.get_by_number(s, "Part", "FRAME-2")
        assert bom_service.flat_for(s, draft.id, -1)[2] == []

    r = runner.invoke(app, ["bom", "import", str(out), "--parent", "FRAME-2", "--user", "engineer"])
    assert r.exit_code == 0, r.output
    assert "added 2 line(s) to FRAME-2 rev A" in r.output
    with local_db.scope() as s:
        draft = item_service.get_by_number(s, "Part", "FRAME-2")
        flat = bom_service.flat_for(s, draft.id, -1)[2]
        assert [(x.child_number, str(x.quantity), x.uom) for x in flat] == [
            ("BOLT", "4", "EA"),
            ("NUT", "0.5", "KG"),
        ]
        summary = s.scalar(select(AuditEvent).where(AuditEvent.action == "bom_imported"))
        assert summary is not None
        assert summary.actor_name == "engineer"


def test_export_xlsx_and_refusals(local_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "frame.xlsx"
    r = runner.invoke(app, ["bom", "export", "FRAME", "--format", "xlsx", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"PK")
    # FRAME rev A is Released: its BOM is frozen
    r = runner.invoke(app, ["bom", "import", str(out), "--parent", "FRAME"])
    assert r.exit_code == 1
    assert "Released" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text("child,quantity\nGHOST,1\nBOLT,-2\n", "utf-8")
    r = runner.invoke(app, ["bom", "import", str(bad), "--parent", "FRAME-2"])
    assert r.exit_code == 1
    assert "nothing was imported" in r.output
    assert "unknown_child" in r.output
    assert "invalid_quantity" in r.output
    r = runner.invoke(app, ["bom", "import", str(bad), "--parent", "FRAME-2", "--dry-run"])
    assert r.exit_code == 1
    assert "unknown_child" in r.output
    r = runner.invoke(app, ["bom", "import", str(out), "--parent", "FRAME-2", "--user", "viewer"])
    assert r.exit_code == 1
    assert "not an active engineer" in r.output
    r = runner.invoke(app, ["bom", "export", "NOPE", "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 1
    assert "not found" in r.output
    r = runner.invoke(app, ["bom", "export", "FRAME", "--format", "pdf", "-o", str(out)])
    assert r.exit_code == 2
    new = tmp_path / "new.csv"
    new.write_text("child,quantity,name\nSPACER,2,Spacer ring\n", "utf-8")
    r = runner.invoke(app, ["bom", "import", str(new), "--parent", "FRAME-2", "--create-missing"])
    assert r.exit_code == 0, r.output
    assert "created 1 part(s)" in r.output
    with local_db.scope() as s:
        spacer = item_service.get_by_number(s, "Part", "SPACER")
        assert (spacer.name, spacer.state) == ("Spacer ring", "Draft")
        summary = s.scalar(select(AuditEvent).where(AuditEvent.action == "bom_imported"))
        assert summary is not None
        assert summary.actor_name is not None
        assert summary.actor_name.startswith("cli:")
