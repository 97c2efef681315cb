"""The item history of ECO changes: a scheduled release, its switch job, a withdrawn one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.eco.conftest import ECO, Client, Clock, Json, ok
from tests.eco.scheduling import in_days, midnight, run_worker, scheduled_eco
from yuantus.core.db import Database

ITEMS = "/api/v1/items"


def _history(as_user: Client, item_id: str) -> list[Json]:
    rows: list[Json] = ok(as_user("viewer").get(f"{ITEMS}/{item_id}/history"))["items"]
    return rows


def _summary(row: Json) -> tuple[Any, ...]:
    return (row["revision"], row["action"], row["actor_name"], row["after"].get("eco_number"))


def test_scheduled_release_and_its_switch_name_the_eco(
    as_user: Client, database: Database, product: str, clock: Clock
) -> None:
    day = in_days(10)
    eco = scheduled_eco(as_user, product, day)
    number = eco["number"]
    rows = _history(as_user, product)
    assert [_summary(r) for r in rows[:3]] == [
        ("B", "released", "engineer", number),
        ("B", "submitted", "engineer", number),
        ("B", "revised", "engineer", number),
    ]
    # released now, current only at the effectivity date: nothing superseded yet
    assert rows[0]["after"]["is_current"] is False
    assert rows[0]["after"]["effective_from"] == midnight(day).isoformat().replace("+00:00", "Z")

    clock(midnight(day) + timedelta(hours=1))
    assert run_worker(database).counts() == (1, 0)
    rows = _history(as_user, product)
    job = "job:eco_effectivity_switch"
    assert [_summary(r) for r in rows[:2]] == [
        ("A", "superseded", job, number),
        ("B", "effective", job, number),
    ]
    assert rows[0]["after"]["superseded_at"] == rows[1]["after"]["effective_from"]
    assert (rows[0]["actor_id"], rows[0]["request_id"]) == (None, None)


def test_canceling_a_scheduled_eco_withdraws_the_release(as_user: Client, product: str) -> None:
    eco = scheduled_eco(as_user, product, in_days(10))
    ok(as_user("engineer").post(f"{ECO}/{eco['id']}/transitions", json={"action": "cancel"}))
    [withdrawn, released] = _history(as_user, product)[:2]
    assert _summary(withdrawn) == ("B", "withdrawn", "engineer", eco["number"])
    assert (withdrawn["before"]["state"], withdrawn["after"]["state"]) == ("Released", "Draft")
    assert released["action"] == "released"
