"""The dashboard per material and ISO week, its exports, and the template impact preview."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.consumption.conftest import API, MakePlan, Plant, actual, move_plan, ok, refused


def _feed(prod: TestClient, plan_id: str, *rows: tuple[str, str]) -> None:
    for day, quantity in rows:
        ok(actual(prod, plan_id, quantity, recorded_at=f"{day}T12:00:00Z"), 201)


def _setup(prod: TestClient, make_plan: MakePlan) -> None:
    resin = make_plan("RESIN")
    bolts = make_plan("BOLT", uom="EA", planned_quantity="100")
    make_plan("BOLT", uom="EA", activate=False)  # drafts do not count
    _feed(prod, resin["id"], ("2026-01-27", "50"), ("2026-02-01", "15"), ("2026-02-03", "100"))
    _feed(prod, bolts["id"], ("2026-01-29", "50"), ("2026-02-10", "999"))  # the last: outside


def test_dashboard_worst_variance_first(prod: TestClient, make_plan: MakePlan) -> None:
    _setup(prod, make_plan)
    page = ok(prod.get(f"{API}/consumption/dashboard", params={"bucket": "week"}))
    rows = [
        (r["item_number"], r["period"], r["planned"], r["actual"], r["delta_ratio"], r["status"])
        for r in page["items"]
    ]
    assert rows == [
        ("BOLT", "2026-W06", "100", "0", "-1", "under"),
        ("BOLT", "2026-W05", "100", "50", "-0.5", "under"),
        ("RESIN", "2026-W06", "70", "100", "0.428571", "over"),
        ("RESIN", "2026-W05", "70", "65", "-0.071429", "on_track"),
    ]
    assert page["total"] == 4
    assert page["items"][0]["plans"] == 1


def test_dashboard_filters_and_paging(prod: TestClient, plant: Plant, make_plan: MakePlan) -> None:
    _setup(prod, make_plan)
    url = f"{API}/consumption/dashboard"
    only = ok(prod.get(url, params={"item_id": plant.ids["BOLT"], "sort": "period"}))
    assert [(r["item_number"], r["period"]) for r in only["items"]] == [
        ("BOLT", "2026-W05"),
        ("BOLT", "2026-W06"),
    ]
    later = ok(prod.get(url, params={"from": "2026-02-02", "to": "2026-02-08"}))
    assert sorted(r["period"] for r in later["items"]) == ["2026-W06", "2026-W06"]
    month = ok(prod.get(url, params={"bucket": "month", "sort": "item_number", "limit": 1}))
    assert month["total"] == 4
    assert month["items"][0]["item_number"] == "BOLT"
    refused(prod.get(url, params={"sort": "bogus"}), 422, "invalid_sort")
    refused(prod.get(url, params={"colour": "red"}), 422, "unknown_parameter")


def test_exports(prod: TestClient, make_plan: MakePlan) -> None:
    _setup(prod, make_plan)
    url = f"{API}/consumption/dashboard/export"
    text = prod.get(url, params={"format": "csv"})
    assert text.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(text.text)))
    assert [(r["item_number"], r["period"], r["actual"], r["status"]) for r in rows] == [
        ("BOLT", "2026-W06", "0", "under"),
        ("BOLT", "2026-W05", "50", "under"),
        ("RESIN", "2026-W06", "100", "over"),
        ("RESIN", "2026-W05", "65", "on_track"),
    ]
    book = load_workbook(io.BytesIO(prod.get(url, params={"format": "xlsx"}).content))
    sheet = book["consumption"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "item_number"
    assert len(values) == 5
    assert values[3][:2] == ["RESIN", "A"]


def _versions(prod: TestClient, plant: Plant) -> tuple[Any, Any]:
    body = {
        "name": "Resin line",
        "item_id": plant.ids["RESIN"],
        "period_unit": "week",
        "period_start": "2026-01-26",
        "period_end": "2026-02-08",
        "planned_quantity": "70",
        "uom": "KG",
    }
    url = f"{API}/consumption/templates/resin-line/versions"
    v1 = ok(prod.post(url, json=body), 201)
    v2 = ok(prod.post(url, json={**body, "planned_quantity": "90"}), 201)
    return v1, v2


def test_impact_preview_before_activation(prod: TestClient, plant: Plant) -> None:
    v1, v2 = _versions(prod, plant)
    move_plan(prod, v1["id"], "activate")
    _feed(prod, v1["id"], ("2026-01-27", "65"), ("2026-02-03", "100"))
    url = f"{API}/consumption/templates/resin-line/impact-preview"
    preview = ok(prod.post(url, json={"version": 2, "as_of": "2026-01-26"}))
    assert (preview["active_version"], preview["proposed_version"]) == (1, 2)
    rows = [
        (
            r["period"],
            r["current"]["planned"],
            r["current"]["status"],
            r["proposed"]["planned"],
            r["proposed"]["delta_ratio"],
            r["proposed"]["status"],
            r["status_changed"],
        )
        for r in preview["items"]
    ]
    # 65 of 90 is 72 % (under); 100 of 90 is 111 % (still over)
    assert rows == [
        ("2026-W05", "70", "on_track", "90", "-0.277778", "under", True),
        ("2026-W06", "70", "over", "90", "0.111111", "over", False),
    ]
    later = ok(prod.post(url, json={"planned_quantity": "100", "as_of": "2026-02-02"}))
    assert [(r["period"], r["proposed"]["status"]) for r in later["items"]] == [
        ("2026-W06", "on_track")
    ]
    # nothing moved: v2 is still a draft, v1 still active
    assert ok(prod.get(f"{API}/consumption/plans/{v2['id']}"))["state"] == "draft"
    refused(prod.post(url, json={"version": 7}), 404, "template_not_found")
    refused(
        prod.post(f"{API}/consumption/templates/none/impact-preview", json={}),
        404,
        "template_not_found",
    )


def test_dashboard_prorates_plans_in_sql_like_the_variance(
    prod: TestClient, plant: Plant, make_plan: MakePlan
) -> None:
    # 31 M a month from Jan 15 to Feb 14: a January day carries 1, a February day 31/28
    cable = make_plan(
        "CABLE",
        uom="M",
        period_unit="month",
        planned_quantity="31",
        period_start="2026-01-15",
        period_end="2026-02-14",
    )
    make_plan(
        "RESIN",
        period_unit="day",
        planned_quantity="10",
        period_start="2026-01-26",
        period_end="2026-01-28",
    )
    url = f"{API}/consumption/dashboard"

    def planned(**params: str) -> list[tuple[str, str, str]]:
        page = ok(prod.get(url, params={"bucket": "week", "sort": "period", **params}))
        return [(r["item_number"], r["period"], r["planned"]) for r in page["items"]]

    assert planned(item_id=plant.ids["CABLE"]) == [
        ("CABLE", "2026-W03", "4"),  # Jan 15-18
        ("CABLE", "2026-W04", "7"),
        ("CABLE", "2026-W05", "7.107143"),  # Jan 26-31 and Feb 1: 6 + 31/28
        ("CABLE", "2026-W06", "7.75"),  # 7 x 31/28
        ("CABLE", "2026-W07", "6.642857"),  # Feb 9-14
    ]
    variance = ok(prod.get(f"{API}/consumption/plans/{cable['id']}/variance?bucket=week"))
    assert [p["planned"] for p in variance["items"]] == ["4", "7", "7.107143", "7.75", "6.642857"]
    assert planned(**{"from": "2026-01-28", "to": "2026-02-01"}) == [
        ("CABLE", "2026-W05", "5.107143"),  # Jan 28-31 and Feb 1
        ("RESIN", "2026-W05", "10"),  # Jan 28 only
    ]
    months = planned(bucket="month", item_id=plant.ids["CABLE"])
    assert months == [("CABLE", "2026-01", "17"), ("CABLE", "2026-02", "15.5")]
    assert planned(item_id=plant.ids["RESIN"]) == [("RESIN", "2026-W05", "30")]
