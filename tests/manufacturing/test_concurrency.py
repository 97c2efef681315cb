"""Racing writers: one primary routing per product, distinct work order numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.helpers import race
from tests.manufacturing.conftest import API, Client, count, make_part
from yuantus.core.db import Database
from yuantus.manufacturing.models import Routing, WorkOrder


def test_racing_primary_routings_leave_exactly_one(as_user: Client, database: Database) -> None:
    product = make_part(database, "P-1")
    eng, prod = as_user("engineer"), as_user("production")

    def create(client: Any, code: str) -> Callable[[], Any]:
        body = {"product_id": product["id"], "routing_code": code, "name": code, "is_primary": True}
        return lambda: client.post(f"{API}/routings", json=body)

    first, second = race(create(eng, "RT-A"), create(prod, "RT-B"))
    assert sorted([first.status_code, second.status_code]) == [201, 409]
    loser = first if first.status_code == 409 else second
    assert loser.json()["detail"]["code"] in {"primary_routing_exists", "routing_conflict"}
    assert count(database, Routing) == 1


def test_racing_work_orders_get_distinct_numbers(as_user: Client, database: Database) -> None:
    product = make_part(database, "P-1")
    eng = as_user("engineer")
    body = {"product_id": product["id"], "quantity": 1}
    answers = race(*[lambda: eng.post(f"{API}/workorders", json=body) for _ in range(5)])
    assert [a.status_code for a in answers] == [201] * 5
    numbers = sorted(a.json()["number"] for a in answers)
    assert numbers == [f"WO-0000{i}" for i in range(1, 6)]
    assert count(database, WorkOrder) == 5
