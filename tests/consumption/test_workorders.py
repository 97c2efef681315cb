"""Work orders feed the plans: reported lines, backflush on done, canceled orders refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.consumption.conftest import (
    API,
    MakePlan,
    Plant,
    move_workorder,
    new_workorder,
    ok,
    refused,
)


def _records(client: TestClient, plan: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    page = ok(client.get(f"{API}/consumption/plans/{plan['id']}/actuals"))
    return [(r["quantity"], r["uom"], r["plan_quantity"], r["source_type"]) for r in page["items"]]


def test_two_materials_land_on_the_right_plans(
    prod: TestClient, plant: Plant, make_plan: MakePlan
) -> None:
    resin_a = make_plan("RESIN")
    resin_b = make_plan("RESIN", name="RESIN line B", uom="G", planned_quantity="50000")
    bolts = make_plan("BOLT", uom="EA", planned_quantity="100")
    draft = make_plan("RESIN", activate=False)
    march = make_plan("RESIN", period_start="2026-03-01", period_end="2026-03-31")
    order = new_workorder(prod, plant.ids["BIKE"], 10, "release", "start")
    body = {
        "lines": [
            {"item_id": plant.ids["RESIN"], "quantity": "2500", "uom": "G"},
            {"item_id": plant.ids["BOLT"], "quantity": 40, "uom": "EA"},
            {"item_id": plant.ids["CABLE"], "quantity": "3", "uom": "M"},
        ],
        "recorded_at": "2026-01-28T10:00:00Z",
    }
    answer = ok(prod.post(f"{API}/workorders/{order['id']}/consumption", json=body), 201)
    assert answer["workorder_number"] == order["number"]
    assert sorted((r["plan_name"], r["plan_quantity"]) for r in answer["records"]) == [
        ("BOLT plan", "40"),
        ("RESIN line B", "2500"),
        ("RESIN plan", "2.5"),
    ]
    assert {r["workorder_number"] for r in answer["records"]} == {order["number"]}
    assert [(u["item_number"], u["quantity"]) for u in answer["unplanned"]] == [("CABLE", "3")]
    assert _records(prod, resin_a) == [("2500", "G", "2.5", "workorder")]
    assert _records(prod, resin_b) == [("2500", "G", "2500", "workorder")]
    assert _records(prod, bolts) == [("40", "EA", "40", "workorder")]
    assert _records(prod, draft) == []
    assert _records(prod, march) == []


def test_a_refused_line_writes_nothing(prod: TestClient, plant: Plant, make_plan: MakePlan) -> None:
    resin = make_plan("RESIN")
    make_plan("BOLT", uom="EA")
    order = new_workorder(prod, plant.ids["BIKE"], 1, "release")
    body = {
        "lines": [
            {"item_id": plant.ids["RESIN"], "quantity": "1", "uom": "KG"},
            {"item_id": plant.ids["BOLT"], "quantity": "1", "uom": "KG"},
        ],
        "recorded_at": "2026-01-28T10:00:00Z",
    }
    refused(
        prod.post(f"{API}/workorders/{order['id']}/consumption", json=body), 422, "uom_mismatch"
    )
    assert _records(prod, resin) == []


def test_canceled_and_draft_orders_are_refused(prod: TestClient, plant: Plant) -> None:
    body = {"lines": [{"item_id": plant.ids["RESIN"], "quantity": "1", "uom": "KG"}]}
    draft = new_workorder(prod, plant.ids["BIKE"], 1)
    refused(
        prod.post(f"{API}/workorders/{draft['id']}/consumption", json=body),
        409,
        "workorder_not_released",
    )
    canceled = new_workorder(prod, plant.ids["BIKE"], 1, "release", "cancel")
    refused(
        prod.post(f"{API}/workorders/{canceled['id']}/consumption", json=body),
        409,
        "workorder_canceled",
    )
    refused(prod.post(f"{API}/workorders/nope/consumption", json=body), 404, "workorder_not_found")


def _current(make_plan: MakePlan, material: str, **fields: Any) -> Any:
    today = datetime.now(UTC).date()
    return make_plan(
        material,
        period_unit="day",
        period_start=(today - timedelta(days=3)).isoformat(),
        period_end=(today + timedelta(days=30)).isoformat(),
        **fields,
    )


def test_backflush_on_done(prod: TestClient, plant: Plant, make_plan: MakePlan) -> None:
    resin = _current(make_plan, "RESIN", planned_quantity="5")
    bolts = _current(make_plan, "BOLT", uom="EA", planned_quantity="40")
    order = new_workorder(prod, plant.ids["BIKE"], 10, "release", "start")
    done = ok(move_workorder(prod, order["id"], "complete"))
    assert done["state"] == "done"
    # 10 bikes: 10 x 0.5 KG resin, 10 x 4 bolts, from the release snapshot
    assert any("backflush" in w and "2 consumption records" in w for w in done["warnings"])
    assert _records(prod, resin) == [("5", "KG", "5", "workorder")]
    assert _records(prod, bolts) == [("40", "EA", "40", "workorder")]


def test_no_backflush_after_a_report(prod: TestClient, plant: Plant, make_plan: MakePlan) -> None:
    resin = _current(make_plan, "RESIN")
    order = new_workorder(prod, plant.ids["BIKE"], 10, "release", "start")
    body = {"lines": [{"item_id": plant.ids["RESIN"], "quantity": "4.8", "uom": "KG"}]}
    ok(prod.post(f"{API}/workorders/{order['id']}/consumption", json=body), 201)
    done = ok(move_workorder(prod, order["id"], "complete"))
    assert not any("backflush" in w for w in done["warnings"])
    assert _records(prod, resin) == [("4.8", "KG", "4.8", "workorder")]


def test_backflush_can_be_turned_off(
    prod: TestClient, plant: Plant, make_plan: MakePlan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YUANTUS_CONSUMPTION_BACKFLUSH", "false")
    resin = _current(make_plan, "RESIN")
    order = new_workorder(prod, plant.ids["BIKE"], 10, "release", "start")
    done = ok(move_workorder(prod, order["id"], "complete"))
    assert any("backflush is off" in w for w in done["warnings"])
    assert _records(prod, resin) == []
