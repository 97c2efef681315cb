"""The demo ECO in review shows open activities and its blockers."""

from __future__ import annotations

from pathlib import Path

import pytest

from yuantus.core.db import Database
from yuantus.demo import load_demo
from yuantus.eco import stages as stage_service
from yuantus.eco_activity.blockers import activities_of, blockers


def test_the_demo_eco_has_open_activities_and_blockers(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YUANTUS_DATA_DIR", str(tmp_path / "var"))
    for _ in range(2):  # idempotent
        with database.scope() as s:
            ctx = load_demo(s)
            eco_id = ctx.objects["eco"].id
    with database.scope() as s:
        review = next(
            st for st in stage_service.ordered_stages(s) if st.name == "Engineering Review"
        )
        assert [t["name"] for t in review.activity_templates] == [
            "Update drawing",
            "Check stock",
            "Sign first article",
        ]
        states = {a.name: (a.status, a.assignee_role) for a in activities_of(s, eco_id)}
        assert states == {
            "Update drawing": ("completed", "engineer"),
            "Check stock": ("active", "production"),
            "Sign first article": ("pending", "quality"),
        }
        found = [
            (b.name, b.reason, [d.name for d in b.unmet_dependencies]) for b in blockers(s, eco_id)
        ]
        assert found == [
            ("Check stock", "not_completed", []),
            ("Sign first article", "dependency_not_completed", ["Check stock"]),
        ]
