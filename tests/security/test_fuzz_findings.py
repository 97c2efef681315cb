"""What the schemathesis run (tests/fuzz) found outside the other hardening fixes, kept fixed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from yuantus.core.db import Database
from yuantus.identity.models import User
from yuantus.item import service as item_service

API = "/api/v1"


def _plan(item_id: str, start: date, end: date) -> dict[str, Any]:
    return {
        "name": "Resin plan",
        "item_id": item_id,
        "period_unit": "day",
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "planned_quantity": "2",
        "uom": "KG",
    }


def test_a_plan_period_is_at_most_3660_days(
    database: Database, users: dict[str, User], as_user: Callable[[str], TestClient]
) -> None:
    """A plan from year 1 to 9999 made its day-bucketed variance 3.6 million rows (a timeout)."""
    with database.scope() as s:
        resin = item_service.create(s, "Part", "Resin", item_number="RESIN").id
    prod = as_user("production")
    start = date(2026, 1, 1)
    huge = prod.post(
        f"{API}/consumption/plans", json=_plan(resin, date(1, 1, 1), date(9999, 12, 31))
    )
    assert huge.status_code == 422, huge.text
    assert huge.json()["detail"]["code"] == "invalid_period"
    assert huge.json()["detail"]["context"]["max_days"] == 3660
    # 3661 days: 2026-01-01 + 3660 days, one over
    over = prod.post(f"{API}/consumption/plans", json=_plan(resin, start, start + timedelta(3660)))
    assert over.status_code == 422, over.text
    assert prod.get(f"{API}/consumption/plans").json()["total"] == 0
    # exactly 3660 days (2026-01-01 to 2036-01-08 inclusive) is a plan, and its variance answers
    longest = prod.post(f"{API}/consumption/plans", json=_plan(resin, start, date(2036, 1, 8)))
    assert longest.status_code == 201, longest.text
    plan_url = f"{API}/consumption/plans/{longest.json()['id']}"
    variance = prod.get(f"{plan_url}/variance")
    assert variance.status_code == 200, variance.text
    assert len(variance.json()["items"]) == 3660
    stretched = prod.patch(plan_url, json={"period_start": "0001-01-01"})
    assert stretched.status_code == 422, stretched.text
    assert stretched.json()["detail"]["code"] == "invalid_period"
    assert prod.get(plan_url).json()["period_start"] == "2026-01-01"


def test_an_undecodable_body_is_a_declared_refusal(
    app: FastAPI, users: dict[str, User], as_user: Callable[[str], TestClient]
) -> None:
    """A JSON body that is not UTF-8 is a 422 (core/inputs); FastAPI's own 400 for a body it
    cannot decode (malformed multipart) is declared on every body route (the `app` fixture
    fails any undeclared 4xx)."""
    eng = as_user("engineer")
    answer = eng.post(
        f"{API}/items", content=b"\xff\xfe{", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"]["code"] == "validation_failed"
    assert eng.get(f"{API}/items").json()["total"] == 0
    document = app.openapi()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                assert "400" in operation["responses"], f"{method.upper()} {path}"


def test_file_content_is_declared_as_any_media_type(
    app: FastAPI, users: dict[str, User], as_user: Callable[[str], TestClient]
) -> None:
    """A file is served with the type it was uploaded with; the OpenAPI said octet-stream only."""
    eng = as_user("engineer")
    item = eng.post(f"{API}/items", json={"item_type": "Part", "name": "Bracket"}).json()
    link = eng.post(
        f"{API}/items/{item['id']}/files",
        files={"file": ("drawing.pdf", b"%PDF-1.4 x", "application/pdf")},
        data={"role": "printout"},
    ).json()
    content = eng.get(f"{API}/files/{link['file_id']}/content", params={"inline": "true"})
    assert content.status_code == 200
    assert content.headers["content-type"] == "application/pdf"
    answers = app.openapi()["paths"][f"{API}/files/{{file_id}}/content"]["get"]["responses"]
    assert list(answers["200"]["content"]) == ["*/*"]
    assert list(answers["206"]["content"]) == ["*/*"]


def test_a_number_is_no_release_time_on_the_sync_wire(
    app: FastAPI, users: dict[str, User], as_user: Callable[[str], TestClient]
) -> None:
    """An imported document's released_at of 0 was read as 1970 (a date is ISO 8601 text)."""
    document = {
        "origin_site": "plant-2",
        "origin_id": "d1",
        "origin_config_id": "c1",
        "item_number": "DOC-1",
        "revision": "A",
        "state": "Released",
        "name": "Drawing",
        "properties": {},
        "released_at": 0,
        "files": [],
    }
    answer = as_user("admin").post(
        f"{API}/doc-sync/inbound/documents",
        json={"documents": [document], "source_site": "plant-2"},
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"]["context"]["errors"][0]["loc"][-1] == "released_at"
