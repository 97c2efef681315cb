"""Metrics over a hand-counted data set: repeats, hotspots, counts, the trend, the groups.

#  component  failure mode / description      occurred (UTC)      severity  responsibility
1  SPOKE      spoke snapped                   2026-11-01 10:00    high      supplier
2  SPOKE      "Spoke  Snapped " (same)        2026-11-01 23:30    medium    supplier
3  SPOKE      - / "Rim dented"                2026-11-02 08:00    low       field
4  FRAME      - / "rim   DENTED" (same as 3)  2026-11-03 12:00    critical  design
5  WHEEL      bearing noise                   2026-11-03 13:00    medium    production
6  SPOKE      spoke snapped                   2026-11-05 09:00    medium    supplier

Signatures on BIKE: "spoke snapped" x3 (1, 2, 6), "rim dented" x2 (3, 4), "bearing noise" x1.
Repeated: 5 incidents in 2 signatures, rate 5/6. Hotspots: SPOKE 4 (2/3), FRAME 1, WHEEL 1.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.breakage.conftest import API, Plant, Report, ok, refused

Client = Callable[[str], TestClient]
DATA = (
    ("SPOKE", "spoke snapped", "Spoke broke", "2026-11-01T10:00:00Z", "high", "supplier"),
    ("SPOKE", "Spoke  Snapped ", "Spoke broke", "2026-11-01T23:30:00Z", "medium", "supplier"),
    ("SPOKE", None, "Rim dented", "2026-11-02T08:00:00Z", "low", "field"),
    ("FRAME", None, "rim   DENTED", "2026-11-03T12:00:00Z", "critical", "design"),
    ("WHEEL", "bearing noise", "Noise", "2026-11-03T13:00:00Z", "medium", "production"),
    ("SPOKE", "spoke snapped", "Spoke broke", "2026-11-05T09:00:00Z", "medium", "supplier"),
)


@pytest.fixture
def incidents(report: Report, as_user: Client) -> list[dict[str, Any]]:
    made = [
        report(
            c,
            failure_mode=mode,
            description=text,
            occurred_at=at,
            severity=sev,
            responsibility=who,
            batch_code="LOT-A" if i < 3 else "LOT-B",
        )
        for i, (c, mode, text, at, sev, who) in enumerate(DATA)
    ]
    q = as_user("quality")
    for incident, actions in ((made[0], ["investigate"]), (made[4], ["investigate", "resolve"])):
        for action in actions:
            ok(q.post(f"{API}/breakages/{incident['id']}/transitions", json={"action": action}))
    return made


def _counts(rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(r["key"], r["count"]) for r in rows]


def test_the_metrics_match_the_hand_count(
    as_user: Client, incidents: list[dict[str, Any]], plant: Plant
) -> None:
    m = ok(as_user("viewer").get(f"{API}/breakages/metrics"))
    assert m["total"] == 6
    assert m["repeated_event_count"] == 5
    assert m["repeated_signature_count"] == 2
    assert m["repeated_failure_rate"] == round(5 / 6, 4)
    assert [
        (h["item_number"], h["count"], h["share"], h["component_item_id"])
        for h in m["hotspot_components"]
    ] == [
        ("SPOKE", 4, round(4 / 6, 4), plant.ids["SPOKE"]),
        ("FRAME", 1, round(1 / 6, 4), plant.ids["FRAME"]),
        ("WHEEL", 1, round(1 / 6, 4), plant.ids["WHEEL"]),
    ]
    assert m["hotspot_components"][0]["name"] == "Spoke part"
    assert _counts(m["by_status"]) == [("open", 4), ("investigating", 1), ("resolved", 1)]
    assert _counts(m["by_severity"]) == [("medium", 3), ("critical", 1), ("high", 1), ("low", 1)]
    assert _counts(m["by_responsibility"]) == [
        ("supplier", 3),
        ("design", 1),
        ("field", 1),
        ("production", 1),
    ]
    assert _counts(m["by_failure_mode"]) == [
        ("spoke snapped", 3),
        ("none", 2),
        ("bearing noise", 1),
    ]
    assert [(p["day"], p["count"]) for p in m["trend"]] == [
        ("2026-11-01", 2),
        ("2026-11-02", 1),
        ("2026-11-03", 2),
        ("2026-11-05", 1),
    ]
    top = ok(as_user("viewer").get(f"{API}/breakages/metrics", params={"top": 1}))
    assert [h["item_number"] for h in top["hotspot_components"]] == ["SPOKE"]


def test_filters_narrow_every_metric(
    as_user: Client, incidents: list[dict[str, Any]], plant: Plant
) -> None:
    v = as_user("viewer")
    spoke = ok(v.get(f"{API}/breakages/metrics", params={"component_item_id": plant.ids["SPOKE"]}))
    # "rim dented" appears once among the SPOKE incidents: only "spoke snapped" repeats
    assert (spoke["total"], spoke["repeated_event_count"]) == (4, 3)
    assert spoke["repeated_failure_rate"] == 0.75
    window = {"from": "2026-11-02T00:00:00Z", "to": "2026-11-04T00:00:00Z"}
    mid = ok(v.get(f"{API}/breakages/metrics", params=window))
    assert (mid["total"], mid["repeated_event_count"]) == (3, 2)
    assert mid["repeated_failure_rate"] == round(2 / 3, 4)
    critical = ok(v.get(f"{API}/breakages/metrics", params={"severity": "critical"}))
    assert (critical["total"], critical["repeated_event_count"]) == (1, 0)
    none = ok(v.get(f"{API}/breakages/metrics", params={"state": "closed"}))
    assert (none["total"], none["repeated_failure_rate"], none["trend"]) == (0, 0.0, [])
    refused(v.get(f"{API}/breakages/metrics", params={"top": 0}), 422, "validation_failed")
    refused(
        v.get(f"{API}/breakages/metrics", params={"product_item_id": "nope"}), 404, "item_not_found"
    )


def test_groups_count_repeats_per_dimension(
    as_user: Client, incidents: list[dict[str, Any]]
) -> None:
    v = as_user("viewer")
    url = f"{API}/breakages/metrics/groups"
    by_component = ok(v.get(url, params={"group_by": "component"}))
    assert by_component["total"] == 3
    # incident 3 (SPOKE) repeats with incident 4 (FRAME): the same product + signature
    assert [
        (
            g["label"],
            g["count"],
            g["repeated_count"],
            g["repeat_rate"],
            g["latest_occurred_at"][:16],
        )
        for g in by_component["items"]
    ] == [
        ("SPOKE", 4, 4, 1.0, "2026-11-05T09:00"),
        ("FRAME", 1, 1, 1.0, "2026-11-03T12:00"),
        ("WHEEL", 1, 0, 0.0, "2026-11-03T13:00"),
    ]
    by_batch = ok(v.get(url, params={"group_by": "batch_code", "sort": "key"}))
    assert [(g["key"], g["count"], g["repeated_count"]) for g in by_batch["items"]] == [
        ("LOT-A", 3, 3),
        ("LOT-B", 3, 2),
    ]
    latest = ok(v.get(url, params={"group_by": "responsibility", "sort": "-latest", "limit": 2}))
    assert [g["key"] for g in latest["items"]] == ["supplier", "production"]
    assert (latest["total"], latest["limit"]) == (4, 2)
    refused(v.get(url, params={"group_by": "colour"}), 422, "invalid_filter")
    refused(v.get(url), 422, "validation_failed")


def test_exports_carry_the_same_rows(as_user: Client, incidents: list[dict[str, Any]]) -> None:
    v = as_user("viewer")
    response = v.get(f"{API}/breakages/export", params={"format": "csv", "severity": "medium"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["number"], r["component_number"], r["state"]) for r in rows] == [
        (incidents[1]["number"], "SPOKE", "open"),
        (incidents[4]["number"], "WHEEL", "resolved"),
        (incidents[5]["number"], "SPOKE", "open"),
    ]
    as_json = json.loads(v.get(f"{API}/breakages/export", params={"format": "json"}).content)
    assert [r["number"] for r in as_json] == [i["number"] for i in incidents]
    xlsx = v.get(f"{API}/breakages/export", params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("number", "state", "occurred_at")
    assert [r[0] for r in values[1:]] == [i["number"] for i in incidents]
    refused(v.get(f"{API}/breakages/export", params={"format": "pdf"}), 422, "invalid_filter")

    text = v.get(f"{API}/breakages/metrics/export", params={"format": "md"}).text
    assert "Repeated failure rate: 83.3% (5 incidents in 2 repeated failures)" in text
    assert "| SPOKE | Spoke part | 4 | 66.7% |" in text
    metric_rows = list(csv.reader(io.StringIO(v.get(f"{API}/breakages/metrics/export").text)))
    assert ["summary", "total", "6"] in metric_rows
    assert ["trend", "2026-11-03", "2"] in metric_rows
