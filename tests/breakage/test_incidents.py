"""Recording incidents over HTTP: the BOM and work-order checks, the workflow, the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.breakage.conftest import API, Plant, Report, ok, refused
from yuantus.breakage.models import BreakageIncident
from yuantus.core.db import Database

Client = Callable[[str], TestClient]


def _count(database: Database) -> int:
    with database.scope() as s:
        return int(s.scalar(select(func.count()).select_from(BreakageIncident)) or 0)


def test_an_incident_carries_numbers_names_and_a_number_of_its_own(
    report: Report, plant: Plant
) -> None:
    first = report(
        "SPOKE",
        workorder_id=plant.bike_order,
        batch_code="LOT-7",
        failure_mode="  Spoke   Snapped ",
        quantity=3,
        responsibility="supplier",
        occurred_at="2026-11-01T10:00:00+01:00",
    )
    second = report("FRAME", description="Frame weld  CRACKED")
    assert first["number"] == "BRK-00001"
    assert second["number"] == "BRK-00002"
    assert first["state"] == "open"
    assert (first["product_number"], first["product_revision"], first["product_name"]) == (
        "BIKE",
        "A",
        "Bike part",
    )
    assert (first["component_number"], first["component_name"]) == ("SPOKE", "Spoke part")
    assert first["workorder_number"].startswith("WO-")
    assert first["created_by_name"] == "quality"
    assert first["failure_mode"] == "spoke snapped"
    assert first["signature"] == "spoke snapped"
    assert second["signature"] == "frame weld cracked"
    assert first["occurred_at"].startswith("2026-11-01T09:00:00")
    assert first["helpdesk"] == {
        "ticket_id": None,
        "status": None,
        "mode": None,
        "last_error": None,
        "synced_at": None,
    }


def _body(plant: Plant, **fields: Any) -> dict[str, Any]:
    return {
        "product_item_id": plant.ids["BIKE"],
        "component_item_id": plant.ids["SPOKE"],
        "description": "Spoke snapped",
        "severity": "high",
        **fields,
    }


def test_a_component_outside_the_product_bom_is_refused_and_nothing_is_written(
    as_user: Client, plant: Plant, database: Database
) -> None:
    response = as_user("quality").post(
        f"{API}/breakages", json=_body(plant, component_item_id=plant.ids["OTHER"])
    )
    detail = refused(response, 422, "component_not_in_bom")
    assert detail["context"]["product_number"] == "BIKE"
    assert detail["context"]["component_number"] == "OTHER"
    assert detail["context"]["rule"]["kind"] == "released"
    # the product itself is not its own component
    response = as_user("quality").post(
        f"{API}/breakages", json=_body(plant, component_item_id=plant.ids["BIKE"])
    )
    refused(response, 422, "component_not_in_bom")
    assert _count(database) == 0


def test_a_work_order_of_another_product_is_refused(
    as_user: Client, plant: Plant, database: Database
) -> None:
    response = as_user("quality").post(
        f"{API}/breakages", json=_body(plant, workorder_id=plant.cart_order)
    )
    detail = refused(response, 422, "workorder_product_mismatch")
    assert detail["context"]["workorder_product_number"] == "CART"
    assert _count(database) == 0


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"product_item_id": "nope"}, 404, "item_not_found"),
        ({"component_item_id": "nope"}, 404, "item_not_found"),
        ({"workorder_id": "nope"}, 404, "workorder_not_found"),
        ({"severity": "catastrophic"}, 422, "validation_failed"),
        ({"responsibility": "nobody"}, 422, "validation_failed"),
        ({"quantity": 0}, 422, "invalid_quantity"),
        ({"description": ""}, 422, "validation_failed"),
        ({"occurred_at": "2026-11-01T10:00:00"}, 422, "validation_failed"),
        ({"status": "closed"}, 422, "unknown_fields"),
    ],
)
def test_bad_input_is_a_4xx_and_writes_nothing(
    as_user: Client,
    plant: Plant,
    database: Database,
    fields: dict[str, Any],
    status: int,
    code: str,
) -> None:
    refused(as_user("quality").post(f"{API}/breakages", json=_body(plant, **fields)), status, code)
    assert _count(database) == 0


def test_only_quality_production_and_engineering_record_incidents(
    as_user: Client, plant: Plant, database: Database
) -> None:
    for role in ("viewer", "approver"):
        refused(as_user(role).post(f"{API}/breakages", json=_body(plant)), 403, "role_required")
    for role in ("quality", "production", "engineer", "admin"):
        ok(as_user(role).post(f"{API}/breakages", json=_body(plant)), 201)
    assert _count(database) == 4


def _move(c: TestClient, incident: dict[str, Any], action: str, comment: str | None = None) -> Any:
    body = {"action": action} if comment is None else {"action": action, "comment": comment}
    return c.post(f"{API}/breakages/{incident['id']}/transitions", json=body)


def test_the_workflow_moves_refuses_illegal_moves_and_reopens_with_a_reason(
    as_user: Client, report: Report
) -> None:
    q = as_user("quality")
    incident = report()
    detail = refused(_move(q, incident, "close"), 409, "invalid_transition")
    assert detail["context"]["allowed"] == ["investigate"]
    assert ok(_move(q, incident, "investigate"))["state"] == "investigating"
    assert ok(_move(q, incident, "resolve", "new spoke supplier"))["state"] == "resolved"
    refused(_move(q, incident, "reopen"), 422, "reason_required")
    assert ok(_move(q, incident, "close"))["state"] == "closed"
    detail = refused(_move(q, incident, "resolve"), 409, "invalid_transition")
    assert detail["context"] == {"state": "closed", "action": "resolve", "allowed": ["reopen"]}
    reopened = ok(_move(q, incident, "reopen", "failed again in the field"))
    assert reopened["state"] == "investigating"
    refused(_move(q, incident, "fly"), 409, "invalid_transition")
    refused(_move(as_user("viewer"), incident, "resolve"), 403, "role_required")

    audit = ok(
        as_user("admin").get(
            f"{API}/audit", params={"object_type": "breakage", "object_id": incident["id"]}
        )
    )
    trail = sorted(audit["items"], key=lambda r: r["created_at"])
    assert [r["action"] for r in trail] == ["create", "investigate", "resolve", "close", "reopen"]
    assert trail[2]["after"] == {"state": "resolved", "reason": "new spoke supplier"}
    assert trail[4]["before"] == {"state": "closed"}
    assert trail[4]["after"]["reason"] == "failed again in the field"
    assert {r["actor_name"] for r in trail} == {"quality"}


def test_the_allowed_moves_depend_on_the_state_and_the_caller(
    as_user: Client, report: Report
) -> None:
    incident = report()
    url = f"{API}/breakages/{incident['id']}/transitions"
    mine = ok(as_user("production").get(url))
    assert mine["state"] == "open"
    assert [(a["action"], a["to_state"]) for a in mine["actions"]] == [
        ("investigate", "investigating")
    ]
    assert ok(as_user("viewer").get(url)) == {"state": "open", "actions": []}
    refused(as_user("viewer").get(f"{API}/breakages/nope/transitions"), 404, "breakage_not_found")


def test_the_list_filters_and_sorts(as_user: Client, report: Report, plant: Plant) -> None:
    a = report("SPOKE", severity="low", occurred_at="2026-11-01T10:00:00Z", batch_code="L1")
    b = report("FRAME", severity="critical", occurred_at="2026-11-03T10:00:00Z")
    c = report("SPOKE", severity="high", occurred_at="2026-11-02T10:00:00Z", batch_code="L1")
    v = as_user("viewer")

    def numbers(**params: Any) -> list[str]:
        return [r["number"] for r in ok(v.get(f"{API}/breakages", params=params))["items"]]

    assert numbers() == [b["number"], c["number"], a["number"]]
    assert numbers(sort="occurred_at") == [a["number"], c["number"], b["number"]]
    assert numbers(component_item_id=plant.ids["SPOKE"], sort="number") == [
        a["number"],
        c["number"],
    ]
    assert numbers(batch_code="L1", severity="high") == [c["number"]]
    assert numbers(**{"from": "2026-11-02T00:00:00Z", "to": "2026-11-03T00:00:00Z"}) == [
        c["number"]
    ]
    page = ok(v.get(f"{API}/breakages", params={"limit": 1, "offset": 1}))
    assert (page["total"], page["limit"], page["offset"]) == (3, 1, 1)
    assert page["items"][0]["number"] == c["number"]
    refused(v.get(f"{API}/breakages", params={"sort": "color"}), 422, "invalid_sort")
    refused(v.get(f"{API}/breakages", params={"severity": "x"}), 422, "invalid_filter")
    refused(v.get(f"{API}/breakages", params={"from": "yesterday"}), 422, "validation_failed")
    refused(v.get(f"{API}/breakages", params={"colour": "red"}), 422, "unknown_parameter")
    refused(v.get(f"{API}/breakages/nope"), 404, "breakage_not_found")
    assert ok(v.get(f"{API}/breakages/{a['id']}"))["number"] == a["number"]
