"""Breakage test data: a released bike with a two-level BOM, a part outside it, two orders.

BIKE (Released)
  FRAME x1
  WHEEL x2 -> SPOKE x32
OTHER: a released part in no BOM; CART: another product with its own work order.
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
from yuantus.manufacturing import workorder_service

API = "/api/v1"
Json = dict[str, Any]


@dataclass(frozen=True)
class Plant:
    """Ids of the test structure, by part number, and the two work orders."""

    ids: dict[str, str]
    bike_order: str
    cart_order: str


@pytest.fixture
def plant(database: Database, users: dict[str, User]) -> Plant:
    """Build and release the structure through the services (the subject is breakage)."""
    with database.scope() as s:
        made = {
            n: item_service.create(s, "Part", f"{n.title()} part", item_number=n)
            for n in ("SPOKE", "FRAME", "WHEEL", "BIKE", "OTHER", "CART")
        }
        bom_service.add_child(s, made["WHEEL"], made["SPOKE"], 32)
        bom_service.add_child(s, made["BIKE"], made["FRAME"], 1)
        bom_service.add_child(s, made["BIKE"], made["WHEEL"], 2)
        bom_service.add_child(s, made["CART"], made["WHEEL"], 4)
        for n in ("SPOKE", "FRAME", "OTHER", "WHEEL", "BIKE", "CART"):
            release_four_eyes(s, made[n])
        ids = {n: item.id for n, item in made.items()}
        bike = workorder_service.create(s, ids["BIKE"], 10, user=users["production"])
        cart = workorder_service.create(s, ids["CART"], 5, user=users["production"])
        return Plant(ids, bike.id, cart.id)


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


Report = Callable[..., Json]


@pytest.fixture
def report(as_user: Callable[[str], TestClient], plant: Plant) -> Report:
    """Record an incident as quality: report("SPOKE", failure_mode=..., ...)."""

    def factory(component: str = "SPOKE", *, product: str = "BIKE", **fields: Any) -> Json:
        body = {
            "product_item_id": plant.ids[product],
            "component_item_id": plant.ids[component],
            "description": "Spoke snapped on the test rig",
            "severity": "medium",
            **fields,
        }
        return ok(as_user("quality").post(f"{API}/breakages", json=body), 201)  # type: ignore[no-any-return]

    return factory
