"""Plans: create, read, change, state moves, template versions and the one-active rule."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.consumption.conftest import API, MakePlan, Plant, move_plan, ok, refused
from tests.helpers import race
from yuantus.consumption.models import ConsumptionPlan
from yuantus.core.db import Database


def _version(prod: TestClient, plant: Plant, key: str, quantity: str = "70") -> Any:
    body = {
        "name": f"{key} resin",
        "item_id": plant.ids["RESIN"],
        "period_unit": "week",
        "period_start": "2026-01-26",
        "period_end": "2026-02-08",
        "planned_quantity": quantity,
        "uom": "kg",
    }
    return ok(prod.post(f"{API}/consumption/templates/{key}/versions", json=body), 201)


def test_create_answers_names_and_defaults(prod: TestClient, make_plan: MakePlan) -> None:
    plan = make_plan(activate=False, planned_quantity=12.5)
    assert plan["state"] == "draft"
    assert (plan["item_number"], plan["revision"], plan["item_name"]) == (
        "RESIN",
        "A",
        "Resin part",
    )
    assert (plan["planned_quantity"], plan["uom"]) == ("12.5", "KG")
    assert (plan["under_threshold"], plan["over_threshold"]) == ("0.9", "1.1")
    assert plan["created_by_name"] == "production"
    assert plan["template_key"] is None
    listed = ok(prod.get(f"{API}/consumption/plans", params={"state": "draft", "sort": "name"}))
    assert [p["id"] for p in listed["items"]] == [plan["id"]]


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"period_start": "2026-02-08", "period_end": "2026-01-26"}, 422, "invalid_period"),
        ({"planned_quantity": "0"}, 422, "validation_failed"),
        ({"planned_quantity": "-3"}, 422, "validation_failed"),
        ({"uom": "BUSHEL"}, 422, "unknown_uom"),
        ({"item_id": "no-such-item"}, 404, "item_not_found"),
        ({"under_threshold": "1.2", "over_threshold": "1.1"}, 422, "invalid_thresholds"),
        ({"period_unit": "year"}, 422, "validation_failed"),
    ],
)
def test_bad_plans_are_refused(
    prod: TestClient, make_plan: MakePlan, fields: dict[str, Any], status: int, code: str
) -> None:
    with pytest.raises(AssertionError, match=code):
        make_plan(activate=False, **fields)
    assert ok(prod.get(f"{API}/consumption/plans"))["total"] == 0


def test_patch_and_closed_plans(prod: TestClient, make_plan: MakePlan) -> None:
    plan = make_plan()
    url = f"{API}/consumption/plans/{plan['id']}"
    changed = ok(prod.patch(url, json={"planned_quantity": "80", "name": "Resin line A"}))
    assert (changed["planned_quantity"], changed["name"]) == ("80", "Resin line A")
    refused(prod.patch(url, json={"period_end": "2026-01-01"}), 422, "invalid_period")
    refused(prod.patch(url, json={"item_id": "x"}), 422, "unknown_fields")
    move_plan(prod, plan["id"], "close")
    refused(prod.patch(url, json={"name": "again"}), 409, "plan_closed")
    refused(prod.patch(f"{API}/consumption/plans/nope", json={"name": "x"}), 404, "plan_not_found")


def test_state_moves(prod: TestClient, as_user: Any, make_plan: MakePlan) -> None:
    plan = make_plan(activate=False)
    url = f"{API}/consumption/plans/{plan['id']}/transitions"
    options = ok(prod.get(url))
    assert options["state"] == "draft"
    assert [(a["action"], a["to_state"]) for a in options["actions"]] == [
        ("activate", "active"),
        ("close", "closed"),
    ]
    assert ok(as_user("viewer").get(url))["actions"] == []
    refused(as_user("viewer").post(url, json={"action": "activate"}), 403, "role_required")
    active = move_plan(prod, plan["id"], "activate")
    assert active["state"] == "active"
    assert active["activated_at"]
    detail = refused(prod.post(url, json={"action": "activate"}), 409, "invalid_transition")
    assert detail["context"]["allowed"] == ["close"]
    unknown = refused(prod.post(url, json={"action": "release"}), 422, "unknown_action")
    assert unknown["context"]["allowed"] == ["activate", "close"]
    closed = move_plan(prod, plan["id"], "close")
    assert closed["state"] == "closed"
    assert closed["closed_at"]
    assert ok(prod.get(url)) == {"state": "closed", "actions": []}


def test_versions_and_activation_retires_the_previous(prod: TestClient, plant: Plant) -> None:
    v1, v2 = _version(prod, plant, "resin-line"), _version(prod, plant, "resin-line", "80")
    assert (v1["template_version"], v2["template_version"]) == (1, 2)
    move_plan(prod, v1["id"], "activate")
    move_plan(prod, v2["id"], "activate")
    versions = ok(prod.get(f"{API}/consumption/templates/resin-line/versions"))
    assert [(v["template_version"], v["state"]) for v in versions["items"]] == [
        (1, "closed"),
        (2, "active"),
    ]


def test_one_active_version_is_enforced_by_the_database(
    database: Database, prod: TestClient, plant: Plant
) -> None:
    v1, v2 = _version(prod, plant, "k"), _version(prod, plant, "k")
    move_plan(prod, v1["id"], "activate")
    with database.scope() as s:
        row = s.get(ConsumptionPlan, v2["id"])
        assert row is not None
        row.state = "active"
        with pytest.raises(IntegrityError):
            s.flush()
        s.rollback()


@pytest.mark.slow
def test_racing_activations_leave_one_active(
    backend_url: str, database: Database, as_user: Any, plant: Plant
) -> None:
    if not backend_url.startswith("postgresql"):
        pytest.skip("row locks and concurrent writers: PostgreSQL")
    prod = as_user("production")
    drafts = [_version(prod, plant, "raced") for _ in range(3)]
    clients = [as_user("production") for _ in drafts]
    results = race(
        *(
            lambda c=c, d=d: c.post(
                f"{API}/consumption/plans/{d['id']}/transitions", json={"action": "activate"}
            )
            for c, d in zip(clients, drafts, strict=True)
        )
    )
    codes = sorted(r.status_code for r in results)
    assert 200 in codes, [r.text for r in results]
    assert set(codes) <= {200, 409}, [r.text for r in results]
    for r in results:
        if r.status_code == 409:
            assert r.json()["detail"]["code"] == "template_active_taken"
    with database.scope() as s:
        active = s.scalar(
            select(func.count())
            .select_from(ConsumptionPlan)
            .where(ConsumptionPlan.template_key == "raced", ConsumptionPlan.state == "active")
        )
    assert active == 1
