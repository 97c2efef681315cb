"""Effectivity over HTTP: a future-dated ECO is scheduled and switched by its due job."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.eco.conftest import ECO, Client, Clock, create_eco, error, events, ok, stages
from tests.eco.scheduling import (
    ITEMS,
    approved_eco,
    at,
    get_item,
    in_days,
    midnight,
    run_worker,
    scheduled_eco,
    switch_jobs,
)
from yuantus.app import create_app
from yuantus.audit.models import AuditEvent
from yuantus.core.db import Database
from yuantus.core.hooks import Block, Ok, Transition
from yuantus.core.settings import Settings
from yuantus.eco import effectivity
from yuantus.eco.hooks import eco_hooks
from yuantus.job import service as job_service


def test_future_effectivity_schedules_and_the_due_job_switches_once(
    as_user: Client, database: Database, product: str, clock: Clock
) -> None:
    day = in_days(30)
    eco = scheduled_eco(as_user, product, day)
    target = eco["target_item_id"]
    assert (eco["state"], eco["stage_name"], eco["applied_at"]) == (
        "scheduled",
        "Ready to Apply",
        None,
    )
    rev_b = get_item(as_user, target)
    assert (rev_b["revision"], rev_b["state"], rev_b["is_current"]) == ("B", "Released", False)
    assert at(rev_b["effective_from"]) == midnight(day)
    assert rev_b["released_at"] is not None
    rev_a = get_item(as_user, product)
    assert (rev_a["state"], rev_a["is_current"], rev_a["superseded_at"]) == ("Released", True, None)
    by_number = ok(as_user("viewer").get(f"{ITEMS}/by-number/Part/GB-100"))
    assert by_number["revision"] == "A", "the old revision stays current until the date"
    history = events(as_user("viewer"), eco["id"])
    scheduled = history[-2]
    assert (scheduled["event_type"], scheduled["from_value"], scheduled["to_value"]) == (
        "scheduled",
        "A",
        "B",
    )
    assert at(scheduled["data"]["effective_from"]) == midnight(day)
    assert (history[-1]["from_value"], history[-1]["to_value"]) == ("progress", "scheduled")
    [job] = switch_jobs(database, eco["id"])
    assert (job.status, job.scheduled_at, job.id) == (
        "pending",
        midnight(day),
        scheduled["data"]["job_id"],
    )

    # not due yet: a worker running now leaves it alone
    run_worker(database)
    assert switch_jobs(database, eco["id"])[0].status == "pending"
    assert ok(as_user("viewer").get(f"{ECO}/{eco['id']}"))["state"] == "scheduled"

    clock(midnight(day) + timedelta(hours=2))
    worker = run_worker(database)
    assert worker.counts() == (1, 0)
    eco = ok(as_user("viewer").get(f"{ECO}/{eco['id']}"))
    assert (eco["state"], eco["stage_name"], eco["kanban_state"]) == ("done", "Done", "done")
    assert at(eco["applied_at"]) == midnight(day) + timedelta(hours=2)
    rev_b = get_item(as_user, target)
    assert (rev_b["state"], rev_b["is_current"]) == ("Released", True)
    assert at(rev_b["effective_from"]) == midnight(day)
    rev_a = get_item(as_user, product)
    assert (rev_a["state"], rev_a["is_current"]) == ("Superseded", False)
    # the switch time, not the job's run time: as_of history is exact
    assert at(rev_a["superseded_at"]) == midnight(day)
    assert ok(as_user("viewer").get(f"{ITEMS}/by-number/Part/GB-100"))["revision"] == "B"
    tail = [
        (e["event_type"], e["from_value"], e["to_value"])
        for e in events(as_user("viewer"), eco["id"])
    ][-3:]
    assert tail == [
        ("stage_changed", "Ready to Apply", "Done"),
        ("applied", "A", "B"),
        ("state_changed", "scheduled", "done"),
    ]
    [job] = switch_jobs(database, eco["id"])
    assert job.status == "completed"
    assert job.result == {
        "eco_id": eco["id"],
        "switched": True,
        "state": "done",
        "target_item_id": target,
        "superseded_item_ids": [product],
        "effective_from": midnight(day).isoformat(),
    }
    with database.scope() as s:
        audited = s.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_id.in_([product, target]),
                AuditEvent.action.in_(["effective", "superseded"]),
            )
        ).all()
        assert sorted(audited) == ["effective", "superseded"]

    # a re-run (a worker that crashed after the commit, a second job) changes nothing
    count = len(events(as_user("viewer"), eco["id"]))
    with database.scope() as s:
        again = effectivity.switch(s, eco["id"])
    assert again == {"eco_id": eco["id"], "switched": False, "state": "done"}
    assert len(events(as_user("viewer"), eco["id"])) == count
    # the item is free again: the next change can start
    assert ok(as_user("engineer").post(f"{ITEMS}/{target}/revise"), 201)["revision"] == "C"


def test_a_scheduled_change_freezes_its_item_and_its_eco(as_user: Client, product: str) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco = scheduled_eco(as_user, product, in_days(10))
    detail = error(eng.post(f"{ITEMS}/{product}/revise"), 409, "revision_scheduled")
    assert detail["context"]["scheduled_item_id"] == eco["target_item_id"]
    assert detail["context"]["scheduled_revision"] == "B"
    error(
        as_user("admin").post(f"{ITEMS}/{product}/transitions", json={"action": "obsolete"}),
        409,
        "revision_scheduled",
    )
    error(
        as_user("admin").post(
            f"{ITEMS}/{eco['target_item_id']}/transitions", json={"action": "obsolete"}
        ),
        409,
        "revision_scheduled",
    )
    other = create_eco(eng, product, name="second change")
    error(eng.post(f"{ECO}/{other['id']}/new-revision"), 409, "revision_scheduled")

    error(
        eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}), 409, "eco_scheduled"
    )
    error(
        approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}),
        409,
        "eco_scheduled",
    )
    error(
        eng.post(
            f"{ECO}/{eco['id']}/transitions",
            json={"action": "move", "stage_id": stages(eng)["New"]["id"]},
        ),
        409,
        "eco_scheduled",
    )
    moved = in_days(20).isoformat()
    error(eng.patch(f"{ECO}/{eco['id']}", json={"effectivity_date": moved}), 409, "eco_scheduled")
    renamed = ok(eng.patch(f"{ECO}/{eco['id']}", json={"name": "Stronger housing, rev B"}))
    assert (renamed["name"], renamed["state"]) == ("Stronger housing, rev B", "scheduled")
    assert get_item(as_user, eco["target_item_id"])["state"] == "Released"


def test_cancel_while_scheduled_puts_the_target_back_to_draft(
    as_user: Client, database: Database, product: str, clock: Clock
) -> None:
    eng = as_user("engineer")
    day = in_days(5)
    eco = scheduled_eco(as_user, product, day)
    target = eco["target_item_id"]
    canceled = ok(eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "cancel"}))
    assert (canceled["state"], canceled["target_item_id"]) == ("canceled", target)
    rev_b = get_item(as_user, target)
    assert (rev_b["state"], rev_b["is_current"]) == ("Draft", False)
    assert (rev_b["released_at"], rev_b["effective_from"]) == (None, None)
    rev_a = get_item(as_user, product)
    assert (rev_a["state"], rev_a["is_current"]) == ("Released", True)
    last = events(eng, eco["id"])
    assert last[-2]["event_type"] == "canceled"
    assert last[-2]["data"] == {"discarded_item_id": None, "withdrawn_item_id": target}
    assert [j.status for j in switch_jobs(database, eco["id"])] == ["canceled"]

    # the date comes: nothing happens
    clock(midnight(day) + timedelta(minutes=1))
    assert run_worker(database).counts() == (0, 0)
    with database.scope() as s:
        assert effectivity.switch(s, eco["id"]) == {
            "eco_id": eco["id"],
            "switched": False,
            "state": "canceled",
        }
    assert get_item(as_user, target)["state"] == "Draft"
    assert get_item(as_user, product)["is_current"] is True

    # the Draft is editable again, and the next ECO takes it up instead of starting over
    ok(eng.patch(f"{ITEMS}/{target}", json={"description": "reworked"}))
    again = create_eco(eng, product, name="second try")
    again = ok(eng.post(f"{ECO}/{again['id']}/new-revision"))
    assert again["target_item_id"] == target
    assert events(eng, again["id"])[1]["data"]["adopted"] is True
    assert get_item(as_user, target)["description"] == "reworked"


def test_today_or_past_effectivity_applies_at_once(
    as_user: Client, database: Database, product: str
) -> None:
    eng = as_user("engineer")
    source = product
    for day in (in_days(0), in_days(-3)):
        eco = approved_eco(as_user, source, day)
        eco = ok(eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}))
        assert (eco["state"], eco["stage_name"]) == ("done", "Done")
        current = get_item(as_user, eco["target_item_id"])
        assert (current["state"], current["is_current"]) == ("Released", True)
        assert current["effective_from"] == current["released_at"]
        old = get_item(as_user, source)
        assert (old["state"], old["superseded_at"]) == ("Superseded", current["effective_from"])
        assert switch_jobs(database, eco["id"]) == []
        source = current["id"]


def test_an_effectivity_date_starts_at_midnight_in_the_configured_zone(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    day = date(2027, 1, 15)
    assert effectivity.start_of(day, "UTC") == datetime(2027, 1, 15, 0, 0, tzinfo=UTC)
    # a plant in Shanghai (UTC+8) starts the 15th at 16:00 UTC on the 14th
    assert effectivity.start_of(day, "Asia/Shanghai") == datetime(2027, 1, 14, 16, 0, tzinfo=UTC)
    # Berlin in summer is UTC+2
    assert effectivity.start_of(date(2027, 7, 1), "Europe/Berlin") == datetime(
        2027, 6, 30, 22, 0, tzinfo=UTC
    )
    monkeypatch.setenv("YUANTUS_EFFECTIVITY_TIMEZONE", "America/Chicago")
    assert effectivity.EffectivitySettings().effectivity_timezone == "America/Chicago"
    monkeypatch.setenv("YUANTUS_EFFECTIVITY_TIMEZONE", "Mars/Olympus_Mons")
    with pytest.raises(ValidationError, match="unknown time zone"):
        effectivity.EffectivitySettings()
    # the service refuses to start with it, rather than failing the first dated apply
    effectivity.effectivity_settings.cache_clear()
    try:
        with pytest.raises(ValidationError, match="unknown time zone"):
            create_app(settings)
    finally:
        effectivity.effectivity_settings.cache_clear()


def test_the_switch_runs_the_eco_switch_hooks_and_a_block_fails_the_job(
    as_user: Client, database: Database, product: str, clock: Clock
) -> None:
    day = in_days(2)
    eco = scheduled_eco(as_user, product, day)
    seen: list[tuple[str, str | None, str | None, str | None]] = []

    def hold(_session: Session, t: Transition) -> Block:
        return Block("quality_hold", f"quality holds {t.extra['eco_number']}")

    def note(_session: Session, t: Transition) -> Ok:
        seen.append((t.point, t.from_state, t.to_state, t.to_stage))
        return Ok()

    clock(midnight(day) + timedelta(hours=1))
    with eco_hooks.registered("before", hold, name="quality.hold", points=["eco.switch"]):
        assert run_worker(database).counts() == (0, 1)
    [job] = switch_jobs(database, eco["id"])
    assert job.status == "failed"
    assert job.last_error == f"quality_hold: quality holds {eco['number']}"
    assert ok(as_user("viewer").get(f"{ECO}/{eco['id']}"))["state"] == "scheduled"
    assert get_item(as_user, product)["is_current"] is True

    # the hold is lifted: retrying the job switches
    with database.scope() as s:
        job_service.retry(s, job.id)
    with eco_hooks.registered("after", note, name="erp.notify", points=["eco.switch"]):
        assert run_worker(database).counts() == (1, 0)
    assert seen == [("eco.switch", "scheduled", "done", "Done")]
    assert ok(as_user("viewer").get(f"{ECO}/{eco['id']}"))["state"] == "done"
