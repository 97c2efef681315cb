"""Consumption test data: materials in three dimensions, a released bike with a routing.

BIKE (Released): RESIN 0.5 KG, BOLT 4 EA; CABLE (M) in no BOM.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import release_four_eyes
from yuantus.bom import service as bom_service
from yuantus.core.db import Database
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.manufacturing import routing_service, workcenter_service

API = "/api/v1"
Json = dict[str, Any]


@dataclass(frozen=True)
class Plant:
    """Item ids by part number."""

    ids: dict[str, str]


@pytest.fixture
def plant(database: Database, users: dict[str, User]) -> Plant:
    """Build and release the structure and a primary routing through the services."""
    with database.scope() as s:
        made = {
            n: item_service.create(s, "Part", f"{n.title()} part", item_number=n)
            for n in ("RESIN", "BOLT", "CABLE", "BIKE")
        }
        bom_service.add_child(s, made["BIKE"], made["RESIN"], "0.5", uom="KG")
        bom_service.add_child(s, made["BIKE"], made["BOLT"], 4, uom="EA")
        for n in ("RESIN", "BOLT", "CABLE", "BIKE"):
            release_four_eyes(s, made[n])
        center = workcenter_service.create(s, "ASSY", "Assembly")
        routing = routing_service.create(s, made["BIKE"].id, "R-BIKE", "Bike", is_primary=True)
        routing_service.add_operation(s, routing, 10, "Assemble", center.id)
        routing_service.release(s, routing)
        return Plant({n: item.id for n, item in made.items()})


def ok(response: Any, status: int = 200) -> Any:
    """The JSON of a response that must have the given status."""
    assert response.status_code == status, response.text
    return response.json()


def refused(response: Any, status: int, code: str) -> Json:
    """The error detail of a refused response."""
    assert response.status_code == status, response.text
    detail: Json = response.json()["detail"]
    assert detail["code"] == code, detail
    return detail


@pytest.fixture
def prod(as_user: Callable[[str], TestClient]) -> TestClient:
    """A client logged in as production."""
    return as_user("production")


MakePlan = Callable[..., Json]


@pytest.fixture
def make_plan(prod: TestClient, plant: Plant) -> MakePlan:
    """Create (and by default activate) a plan: make_plan("RESIN", planned_quantity=...)."""

    def factory(material: str = "RESIN", *, activate: bool = True, **fields: Any) -> Json:
        body = {
            "name": f"{material} plan",
            "item_id": plant.ids[material],
            "period_unit": "week",
            "period_start": "2026-01-26",
            "period_end": "2026-02-08",
            "planned_quantity": "70",
            "uom": "KG",
            **fields,
        }
        plan: Json = ok(prod.post(f"{API}/consumption/plans", json=body), 201)
        if activate:
            plan = move_plan(prod, plan["id"], "activate")
        return plan

    return factory


def move_plan(client: TestClient, plan_id: str, action: str) -> Json:
    """Take an action on a plan; must succeed."""
    url = f"{API}/consumption/plans/{plan_id}/transitions"
    return ok(client.post(url, json={"action": action}))  # type: ignore[no-any-return]


def move_workorder(client: TestClient, workorder_id: str, action: str) -> Any:
    """Take an action on a work order: the one place tests drive work-order moves."""
    return client.post(f"{API}/workorders/{workorder_id}/transitions", json={"action": action})


def new_workorder(client: TestClient, product_id: str, quantity: int, *actions: str) -> Json:
    """A work order created and moved by the given actions."""
    order: Json = ok(
        client.post(f"{API}/workorders", json={"product_id": product_id, "quantity": quantity}),
        201,
    )
    for action in actions:
        ok(move_workorder(client, order["id"], action))
    return order


def actual(client: TestClient, plan_id: str, quantity: Any, **fields: Any) -> Any:
    """Post an actual on a plan; the raw response."""
    body = {"quantity": quantity, **fields}
    return client.post(f"{API}/consumption/plans/{plan_id}/actuals", json=body)
