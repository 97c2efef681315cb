"""The consumption demo: plans for the bike's materials whose dashboard shows every status."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi.testclient import TestClient

from tests.consumption.conftest import API, ok
from yuantus.core.db import Database
from yuantus.demo import load_demo


def test_demo_dashboard_shows_all_three_statuses(
    database: Database, users: Any, as_user: Any
) -> None:
    for _ in range(2):
        with database.scope() as s:
            ctx = load_demo(s)
    assert any("consumption:" in line and "exist" in line for line in ctx.report)
    client: TestClient = as_user("viewer")
    plans = ok(client.get(f"{API}/consumption/plans", params={"limit": 100}))
    assert plans["total"] == 7
    assert {p["state"] for p in plans["items"]} == {"active"}
    board = ok(client.get(f"{API}/consumption/dashboard", params={"limit": 200}))
    statuses = Counter(r["status"] for r in board["items"])
    assert set(statuses) == {"under", "on_track", "over"}
    # 7 materials over 4 weeks
    assert board["total"] == 28
    orders = ok(client.get(f"{API}/workorders", params={"state": "done", "limit": 100}))
    assert orders["total"] == 8
