"""Races on PostgreSQL: two moves of one activity; an apply against a new blocker."""

from __future__ import annotations

from functools import partial

import pytest

from tests.eco_activity.conftest import (
    ACT,
    Client,
    add,
    eco,
    eco_apply,
    eco_approve,
    eco_move,
    listing,
    move,
    ok,
    open_eco,
    stages,
)
from tests.helpers import race
from yuantus.core.db import Database


@pytest.fixture(autouse=True)
def _postgresql_only(database: Database) -> None:
    if database.dialect != "postgresql":
        pytest.skip("row-lock races are a PostgreSQL deployment")


def test_two_moves_of_one_activity_one_wins(as_user: Client, product: str) -> None:
    eng, admin = as_user("engineer"), as_user("admin")
    eco_id = open_eco(eng, product)
    for _ in range(5):
        activity = add(eng, eco_id, "contested")
        activity_id = activity["id"]
        ok(move(eng, activity_id, "active"))
        done, canceled = race(
            partial(move, eng, activity_id, "completed"),
            partial(move, admin, activity_id, "canceled"),
        )
        codes = sorted((done.status_code, canceled.status_code))
        assert codes == [200, 409]
        loser = done if done.status_code == 409 else canceled
        assert loser.json()["detail"]["code"] == "invalid_transition"
        trail = listing(eng, f"/{eco_id}/events", activity_id=activity["id"])["items"]
        assert [e["to_status"] for e in trail][1:] == ["active", "pending"]
        assert trail[0]["to_status"] in ("completed", "canceled")
    seqs = [e["seq"] for e in listing(eng, f"/{eco_id}/events", limit=500)["items"]]
    assert seqs == list(range(len(seqs), 0, -1)), "gap-free per ECO"


def test_an_apply_racing_a_new_blocker_never_lets_both_through(
    as_user: Client, product: str
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco_id = open_eco(eng, product)
    st = stages(eng)
    ok(eco_move(eng, eco_id, st["Engineering Review"]["id"]))
    ok(eco_approve(approver, eco_id))
    applied, created = race(
        lambda: eco_apply(eng, eco_id),
        lambda: eng.post(ACT, json={"eco_id": eco_id, "name": "late blocker"}),
    )
    if applied.status_code == 200:
        assert created.status_code == 409
        assert created.json()["detail"]["code"] == "eco_closed"
        assert eco(eng, eco_id)["state"] == "done"
    else:
        assert applied.json()["detail"]["code"] == "eco_blocked"
        assert created.status_code == 201
        assert eco(eng, eco_id)["state"] == "progress"
