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


ROUNDS = 10


def _ready_order(database: Database, workcenter: Any, routing: Any, eng: Any, n: int) -> str:
    """A draft work order on a released product and routing (one operation); its id."""
    product = make_part(database, f"P-{n}")
    wc = workcenter(f"WC-{n}")
    op = {"operation_number": 10, "name": "Turn", "workcenter_id": wc["id"]}
    routing(product["id"], f"RT-{n}", operations=[op], release=True, is_primary=True)
    created = eng.post(f"{API}/workorders", json={"product_id": product["id"], "quantity": 2})
    assert created.status_code == 201, created.text
    order_id: str = created.json()["id"]
    return order_id


def _move(client: Any, order_id: str, action: str) -> Callable[[], Any]:
    return lambda: client.post(f"{API}/workorders/{order_id}/transitions", json={"action": action})


def test_racing_start_and_cancel_exactly_one_wins(
    as_user: Client, database: Database, workcenter: Any, routing: Any
) -> None:
    eng, prod = as_user("engineer"), as_user("production")
    for n in range(ROUNDS):
        order_id = _ready_order(database, workcenter, routing, eng, n)
        assert _move(eng, order_id, "release")().status_code == 200
        # in_progress cannot be canceled and canceled cannot start: exactly one may win
        start, cancel = race(_move(eng, order_id, "start"), _move(prod, order_id, "cancel"))
        assert sorted([start.status_code, cancel.status_code]) == [200, 409], n
        winner, loser = (start, cancel) if start.status_code == 200 else (cancel, start)
        assert loser.json()["detail"]["code"] == "invalid_transition"
        assert loser.json()["detail"]["context"]["state"] == winner.json()["state"]
        with database.session() as s:
            row = s.get(WorkOrder, order_id)
            assert row is not None
            assert row.state == winner.json()["state"]
            # only the winner's timestamp was written
            assert (row.started_at is None) == (winner is cancel)
            assert (row.canceled_at is None) == (winner is start)


def test_racing_release_and_cancel_of_a_draft_never_mix(
    as_user: Client, database: Database, workcenter: Any, routing: Any
) -> None:
    eng, prod = as_user("engineer"), as_user("production")
    for n in range(ROUNDS):
        order_id = _ready_order(database, workcenter, routing, eng, n)
        release, cancel = race(_move(eng, order_id, "release"), _move(prod, order_id, "cancel"))
        # a draft may be canceled, and so may a released order: the cancel always wins;
        # the release either came first (and the cancel saw it) or is refused
        assert cancel.status_code == 200, cancel.text
        with database.session() as s:
            row = s.get(WorkOrder, order_id)
            assert row is not None
            assert row.state == "canceled"
            if release.status_code == 200:
                assert release.json()["state"] == "released"
                # the cancel moved the released order: it answered what the release wrote
                assert cancel.json()["released_at"] is not None
                assert row.released_at is not None
                assert row.canceled_at is not None
                assert row.released_at <= row.canceled_at
            else:
                assert release.status_code == 409, release.text
                assert release.json()["detail"]["code"] == "invalid_transition"
                assert release.json()["detail"]["context"]["state"] == "canceled"
                assert row.released_at is None
