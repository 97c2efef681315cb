"""The whole demo is consistent: what is released uses only released items and documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from yuantus.audit.models import AuditEvent
from yuantus.core.db import Database
from yuantus.demo import load_demo
from yuantus.eco.models import Eco
from yuantus.item import documents, release_checks
from yuantus.item import service as item_service
from yuantus.item.models import Item


def test_released_items_of_the_demo_have_released_children_and_documents(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YUANTUS_DATA_DIR", str(tmp_path / "var"))
    with database.scope() as s:
        load_demo(s)
    with database.scope() as s:
        released = list(s.scalars(select(Item).where(Item.state == "Released")))
        assert {"BIKE-1000", "FRAME-2000", "WHEEL-2100", "HUB-3103", "DOC-1000"} <= {
            i.item_number for i in released
        }
        # an ECO's applier submits and releases its target: the ECO's approvals are the 4 eyes
        via_eco = set(s.scalars(select(Eco.target_item_id)))
        for item in released:
            assert release_checks.release_blockers(s, item) == [], item.item_number
            assert item.released_by is not None
            if item.id not in via_eco:
                # four eyes on every direct release: nobody released what they submitted
                assert item.released_by != item.submitted_by, item.item_number
        bike = item_service.get_by_number(s, "Part", "BIKE-1000")
        drawing = item_service.get_by_number(s, "Document", "DOC-1000")
        links = documents.list_links(s, bike.id)
        assert [(link.document_config_id, link.role) for link in links] == [
            (drawing.config_id, "drawing"),
            (drawing.config_id, "model"),
        ]
        # the demo ECO's target revision B carries the links over from A
        rev_b = item_service.get_by_number(s, "Part", "BIKE-1000", "B")
        assert [link.role for link in documents.list_links(s, rev_b.id)] == ["drawing", "model"]


def test_every_change_the_demo_makes_names_who_made_it(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YUANTUS_DATA_DIR", str(tmp_path / "var"))
    with database.scope() as s:
        load_demo(s)
    with database.scope() as s:
        nameless = s.execute(
            select(AuditEvent.object_type, AuditEvent.action).where(
                AuditEvent.object_type.in_(("item", "routing", "workorder")),
                AuditEvent.actor_name.is_(None),
            )
        ).all()
        assert nameless == []
