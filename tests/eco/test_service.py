"""Service-level rules: conflict recording outside HTTP, append-only history."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import make_settings
from yuantus.core import migrate
from yuantus.core.db import Database
from yuantus.eco import service
from yuantus.eco import stages as stage_service
from yuantus.eco.errors import EcoConflictError
from yuantus.eco.models import EcoEvent
from yuantus.identity.models import User
from yuantus.item import service as item_service


def _new_eco(database: Database, users: dict[str, User], product: str, name: str) -> str:
    with database.scope() as s:
        eco = service.create_eco(
            s, name=name, eco_type="bom", product_id=product, user=users["engineer"]
        )
        return eco.id


def _through_review(database: Database, users: dict[str, User], eco_id: str) -> None:
    with database.scope() as s:
        eco = service.action_new_revision(s, service.get(s, eco_id), users["engineer"])
        review = next(x for x in stage_service.ordered_stages(s) if x.approval_type == "mandatory")
        service.move_to_stage(s, eco, review, users["engineer"])
        service.approve(s, eco, users["approver"])


def test_service_callers_record_the_conflict_after_their_rollback(
    database: Database, users: dict[str, User], product: str
) -> None:
    first = _new_eco(database, users, product, "first")
    second = _new_eco(database, users, product, "second")
    _through_review(database, users, first)
    with database.scope() as s:
        service.action_apply(s, service.get(s, first), users["engineer"])
    _through_review(database, users, second)

    # session_scope (the CLI's and jobs' boundary) rolls the apply back, then records it
    with pytest.raises(EcoConflictError) as refused, database.scope() as s:
        service.action_apply(s, service.get(s, second), users["engineer"])
    with database.scope() as s:
        service.record_conflict(s, refused.value)  # idempotent
    with database.scope() as s:
        eco = service.get(s, second)
        assert eco.state == "conflict"
        assert eco.target_item_id is not None
        assert item_service.get(s, eco.target_item_id).state == "Draft", "the release rolled back"
        kinds = [e.event_type for e in s.scalars(select(EcoEvent).where(EcoEvent.eco_id == second))]
        assert kinds.count("conflict") == 1


def test_history_rows_cannot_be_rewritten(
    database: Database, users: dict[str, User], product: str
) -> None:
    eco_id = _new_eco(database, users, product, "history")
    with database.session() as s:
        event = s.scalars(select(EcoEvent).where(EcoEvent.eco_id == eco_id)).one()
        event.to_value = "rewritten"
        with pytest.raises(RuntimeError, match="append-only"):
            s.flush()
        s.rollback()
        s.delete(s.get(EcoEvent, event.id))
        with pytest.raises(RuntimeError, match="append-only"):
            s.flush()
        s.rollback()
    with database.scope() as s:
        assert s.scalars(select(EcoEvent.to_value).where(EcoEvent.eco_id == eco_id)).one() == "New"


def test_default_stages_are_inserted_once(database: Database) -> None:
    with database.scope() as s:
        service.ensure_default_stages(s)
        service.ensure_default_stages(s)
        names = [x.name for x in stage_service.ordered_stages(s)]
    assert names == ["New", "Engineering Review", "Ready to Apply", "Done"]


def test_migration_inserts_the_default_stages(tmp_path: Path) -> None:
    fresh = Database(make_settings(tmp_path, f"sqlite:///{tmp_path / 'fresh.db'}"))
    try:
        migrate.upgrade(fresh.engine)
        with fresh.scope() as s:
            found = stage_service.ordered_stages(s)
            assert [x.name for x in found] == [
                "New",
                "Engineering Review",
                "Ready to Apply",
                "Done",
            ]
            review = found[1]
            assert (review.approval_type, review.approval_roles, review.min_approvals) == (
                "mandatory",
                ["approver"],
                1,
            )
            assert review.auto_progress
            assert found[2].allow_apply
            assert found[3].is_final
    finally:
        fresh.dispose()
