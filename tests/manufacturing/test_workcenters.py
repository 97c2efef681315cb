"""Work center endpoints: create, list, read, update, and the input they refuse."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.manufacturing.conftest import API, Client, Json, count, ok, refused
from yuantus.core.db import Database
from yuantus.manufacturing.models import WorkCenter

WC = f"{API}/workcenters"


def test_create_and_read_a_work_center(eng: TestClient) -> None:
    body = {
        "code": "CNC-1",
        "name": "CNC mill",
        "description": "5-axis",
        "capacity_per_day": 16,
        "efficiency": 0.8,
        "cost_rate": 90.5,
    }
    created = ok(eng.post(WC, json=body), 201)
    # numbers go in as JSON numbers (or strings) and come back as exact decimal strings
    exact = {"capacity_per_day": "16", "efficiency": "0.8", "cost_rate": "90.5"}
    assert {k: created[k] for k in body} == body | exact
    assert created["is_active"] is True
    assert ok(eng.get(f"{WC}/{created['id']}")) == created


def test_defaults(eng: TestClient) -> None:
    created = ok(eng.post(WC, json={"code": "ASM", "name": "Assembly"}), 201)
    assert (created["capacity_per_day"], created["efficiency"], created["cost_rate"]) == (
        "8",
        "1",
        "0",
    )


def test_list_by_code_with_paging_and_active_filter(
    eng: TestClient, workcenter: Callable[..., Json]
) -> None:
    for code in ("PAINT", "ASM", "CNC"):
        workcenter(code)
    workcenter("OLD", is_active=False)
    page = ok(eng.get(WC, params={"limit": 2}))
    assert page["total"] == 4
    assert [r["code"] for r in page["items"]] == ["ASM", "CNC"]
    assert [r["code"] for r in ok(eng.get(WC, params={"offset": 2}))["items"]] == ["OLD", "PAINT"]
    assert ok(eng.get(WC, params={"is_active": False}))["total"] == 1
    assert ok(eng.get(WC, params={"is_active": True}))["total"] == 3


def test_update_changes_only_the_fields_sent(
    eng: TestClient, workcenter: Callable[..., Json]
) -> None:
    wc = workcenter("CNC", description="old", efficiency=0.9)
    updated = ok(eng.patch(f"{WC}/{wc['id']}", json={"name": "Mill", "is_active": False}))
    assert (updated["name"], updated["is_active"]) == ("Mill", False)
    assert (updated["description"], updated["efficiency"]) == ("old", "0.9")
    cleared = ok(eng.patch(f"{WC}/{wc['id']}", json={"description": None, "code": "CNC-2"}))
    assert (cleared["description"], cleared["code"]) == (None, "CNC-2")


def test_duplicate_code_is_refused_and_writes_nothing(
    eng: TestClient, workcenter: Callable[..., Json], database: Database
) -> None:
    workcenter("CNC")
    other = workcenter("ASM")
    refused(eng.post(WC, json={"code": "CNC", "name": "again"}), 409, "workcenter_code_taken")
    refused(eng.patch(f"{WC}/{other['id']}", json={"code": "CNC"}), 409, "workcenter_code_taken")
    assert count(database, WorkCenter) == 2
    assert ok(eng.get(f"{WC}/{other['id']}"))["code"] == "ASM"


def test_bad_input_is_422_and_unknown_ids_404(eng: TestClient, database: Database) -> None:
    for body in (
        {"code": "", "name": "x"},
        {"code": "A B", "name": "x"},
        {"code": "A", "name": "x", "efficiency": 0},
        {"code": "A", "name": "x", "capacity_per_day": -1},
        {"code": "A", "name": "x", "colour": "red"},
    ):
        assert eng.post(WC, json=body).status_code == 422, body
    assert count(database, WorkCenter) == 0
    refused(eng.get(f"{WC}/nope"), 404, "workcenter_not_found")
    refused(eng.patch(f"{WC}/nope", json={"name": "x"}), 404, "workcenter_not_found")


def test_reads_need_sign_in_and_writes_need_engineer_or_production(
    as_user: Client, client: TestClient, database: Database
) -> None:
    assert client.get(WC).status_code == 401
    refused(as_user("viewer").post(WC, json={"code": "V", "name": "x"}), 403, "role_required")
    refused(as_user("quality").post(WC, json={"code": "Q", "name": "x"}), 403, "role_required")
    assert count(database, WorkCenter) == 0
    ok(as_user("production").post(WC, json={"code": "P", "name": "x"}), 201)
    ok(as_user("admin").post(WC, json={"code": "A", "name": "x"}), 201)
    assert ok(as_user("viewer").get(WC))["total"] == 2
