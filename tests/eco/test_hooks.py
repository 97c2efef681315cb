"""Gates and custom actions around move_to_stage and action_apply: order and rollback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.eco.conftest import ECO, Client, create_eco, error, events, item, move, ok, stages
from yuantus.core.db import Database
from yuantus.core.errors import InvalidState
from yuantus.core.hooks import Transition
from yuantus.eco.hooks import eco_gate_hooks, eco_hooks
from yuantus.job import service as job_service
from yuantus.job.models import Job


def enqueue(session: Session, transition: Transition) -> None:
    """A custom action that enqueues a job (and writes it at once)."""
    job_service.create_job(session, "noop", {"eco_id": transition.object_id})
    session.flush()


def veto(_session: Session, transition: Transition) -> None:
    """A custom action that refuses every transition."""
    raise InvalidState(
        f"vetoed {transition.action}", code="vetoed", context={"to": transition.to_state}
    )


def job_count(database: Database) -> int:
    with database.scope() as s:
        return s.scalar(select(func.count()).select_from(Job)) or 0


@pytest.fixture
def clean_hooks() -> Iterator[None]:
    """No hook registered by a test survives it."""
    yield
    for registry in (eco_hooks, eco_gate_hooks):
        for phase in ("before", "after"):
            for hook in (enqueue, veto):
                registry.unregister(phase, hook)


@pytest.fixture
def in_progress(as_user: Client, product: str) -> dict[str, str]:
    """An ECO with a target revision, still in New; and the stage ids by name."""
    eng = as_user("engineer")
    eco = create_eco(eng, product)
    ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))
    return {"eco": eco["id"], **{n: s["id"] for n, s in stages(eng).items()}}


def test_enqueued_job_persists_when_nobody_vetoes(
    as_user: Client, database: Database, in_progress: dict[str, str], clean_hooks: None
) -> None:
    eng = as_user("engineer")
    with eco_hooks.registered("before", enqueue):
        move(eng, in_progress["eco"], in_progress["Engineering Review"])
    assert job_count(database) == 1


@pytest.mark.parametrize("veto_phase", ["before", "after"])
def test_veto_rolls_back_the_move_its_event_and_the_enqueued_job(
    as_user: Client,
    database: Database,
    in_progress: dict[str, str],
    clean_hooks: None,
    veto_phase: str,
) -> None:
    eng = as_user("engineer")
    eco_id = in_progress["eco"]
    before = ok(eng.get(f"{ECO}/{eco_id}"))
    history = events(eng, eco_id)
    eco_hooks.register("before", enqueue)
    eco_hooks.register(veto_phase, veto)  # type: ignore[arg-type]

    detail = error(
        eng.post(
            f"{ECO}/{eco_id}/move-stage", json={"stage_id": in_progress["Engineering Review"]}
        ),
        409,
        "vetoed",
    )
    assert detail["context"] == {"to": "Engineering Review"}
    after = ok(eng.get(f"{ECO}/{eco_id}"))
    assert (after["stage_name"], after["stage_visit"], after["version"]) == (
        "New",
        before["stage_visit"],
        before["version"],
    )
    assert events(eng, eco_id) == history
    assert job_count(database) == 0


def test_gate_refusal_leaves_apply_without_a_trace(
    as_user: Client, database: Database, in_progress: dict[str, str], clean_hooks: None
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco_id = in_progress["eco"]
    move(eng, eco_id, in_progress["Engineering Review"])
    ok(approver.post(f"{ECO}/{eco_id}/approve"))
    eco = ok(eng.get(f"{ECO}/{eco_id}"))
    history = events(eng, eco_id)
    eco_hooks.register("before", enqueue)
    eco_gate_hooks.register("before", veto)

    error(eng.post(f"{ECO}/{eco_id}/apply"), 409, "vetoed")
    assert ok(eng.get(f"{ECO}/{eco_id}")) == eco
    assert events(eng, eco_id) == history
    assert item(database, eco["target_item_id"]) == ("Draft", False)
    assert item(database, eco["product_id"]) == ("Released", True)
    assert job_count(database) == 0

    eco_gate_hooks.unregister("before", veto)
    assert ok(eng.post(f"{ECO}/{eco_id}/apply"))["state"] == "done"
    assert job_count(database) == 1


def test_after_action_failing_on_apply_undoes_the_release(
    as_user: Client, database: Database, in_progress: dict[str, str], clean_hooks: None
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco_id = in_progress["eco"]
    move(eng, eco_id, in_progress["Engineering Review"])
    eco = ok(approver.post(f"{ECO}/{eco_id}/approve"))
    eco_hooks.register("after", veto)
    error(eng.post(f"{ECO}/{eco_id}/apply"), 409, "vetoed")
    assert ok(eng.get(f"{ECO}/{eco_id}"))["state"] == "progress"
    assert item(database, eco["target_item_id"]) == ("Draft", False)
    assert item(database, eco["product_id"]) == ("Released", True)


def test_hooks_run_in_the_seed_order_and_see_the_transition(
    as_user: Client, database: Database, in_progress: dict[str, str]
) -> None:
    eng = as_user("engineer")
    seen: list[tuple[str, str, str | None, str | None, str]] = []

    def recorder(point: str):  # type: ignore[no-untyped-def]
        def hook(_session: Session, t: Transition) -> None:
            seen.append((point, t.action, t.from_state, t.to_state, t.obj.stage.name))

        return hook

    gate, before, after = recorder("gate"), recorder("before"), recorder("after")
    with (
        eco_gate_hooks.registered("before", gate),
        eco_hooks.registered("before", before),
        eco_hooks.registered("after", after),
    ):
        move(eng, in_progress["eco"], in_progress["Engineering Review"])
        ok(as_user("approver").post(f"{ECO}/{in_progress['eco']}/approve"))
        ok(eng.post(f"{ECO}/{in_progress['eco']}/apply"))
    review, ready = "Engineering Review", "Ready to Apply"
    assert seen == [
        ("gate", "move_to_stage", "New", review, "New"),
        ("before", "move_to_stage", "New", review, "New"),
        ("after", "move_to_stage", "New", review, review),
        # the approval auto-progresses through the same hook points
        ("gate", "move_to_stage", review, ready, review),
        ("before", "move_to_stage", review, ready, review),
        ("after", "move_to_stage", review, ready, ready),
        ("gate", "apply", ready, "Done", ready),
        ("before", "apply", ready, "Done", ready),
        ("after", "apply", ready, "Done", "Done"),
    ]


def test_gate_blocking_auto_progress_keeps_the_approval(
    as_user: Client, database: Database, in_progress: dict[str, str], clean_hooks: None
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco_id = in_progress["eco"]
    move(eng, eco_id, in_progress["Engineering Review"])
    eco_hooks.register("before", enqueue)
    eco_gate_hooks.register("before", veto)

    eco = ok(approver.post(f"{ECO}/{eco_id}/approve"))
    assert (eco["stage_name"], eco["state"]) == ("Engineering Review", "approved")
    assert ok(eng.get(f"{ECO}/{eco_id}/approvals"))["total"] == 1
    blocked = [e for e in events(eng, eco_id) if e["event_type"] == "auto_progress_blocked"]
    assert blocked[0]["data"]["code"] == "vetoed"
    assert job_count(database) == 0
