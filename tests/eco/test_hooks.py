"""Gates and actions around every ECO transition: order, fields, outcomes, rollback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import bearer
from tests.eco.conftest import ECO, Client, create_eco, error, events, item, move, ok, stages
from tests.hook_helpers import blocker, crasher, hooked, recording, warner
from yuantus.core.db import Database
from yuantus.core.errors import InvalidState
from yuantus.core.hooks import Hook, Phase, Transition
from yuantus.eco.hooks import eco_gate_hooks, eco_hooks
from yuantus.eco.models import EcoApproval
from yuantus.identity.models import User
from yuantus.job import service as job_service
from yuantus.job.models import Job

REVIEW, READY = "Engineering Review", "Ready to Apply"


def enqueue(session: Session, transition: Transition) -> None:
    """A custom action that enqueues a job (and writes it at once)."""
    job_service.create_job(session, "noop", {"eco_id": transition.object_id})
    session.flush()


def veto(_session: Session, transition: Transition) -> None:
    """A custom action that refuses every transition by raising a domain error."""
    raise InvalidState(
        f"vetoed {transition.action}", code="vetoed", context={"to": transition.to_stage}
    )


def job_count(database: Database) -> int:
    with database.scope() as s:
        return s.scalar(select(func.count()).select_from(Job)) or 0


def approval_count(database: Database, eco_id: str) -> int:
    with database.scope() as s:
        query = select(func.count()).where(EcoApproval.eco_id == eco_id)
        return s.scalar(query.select_from(EcoApproval)) or 0


@pytest.fixture
def clean_hooks() -> Iterator[None]:
    """No hook registered by a test survives it."""
    yield
    for registry in (eco_hooks, eco_gate_hooks):
        for phase in registry.phases:
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
        move(eng, in_progress["eco"], in_progress[REVIEW])
    assert job_count(database) == 1


@pytest.mark.parametrize("veto_phase", ["before", "after"])
def test_veto_rolls_back_the_move_its_event_and_the_enqueued_job(
    as_user: Client,
    database: Database,
    in_progress: dict[str, str],
    clean_hooks: None,
    veto_phase: Phase,
) -> None:
    eng = as_user("engineer")
    eco_id = in_progress["eco"]
    before = ok(eng.get(f"{ECO}/{eco_id}"))
    history = events(eng, eco_id)
    eco_hooks.register("before", enqueue)
    eco_hooks.register(veto_phase, veto)

    detail = error(
        eng.post(
            f"{ECO}/{eco_id}/transitions", json={"action": "move", "stage_id": in_progress[REVIEW]}
        ),
        409,
        "vetoed",
    )
    assert detail["context"] == {"to": REVIEW}
    assert ok(eng.get(f"{ECO}/{eco_id}")) == before
    assert events(eng, eco_id) == history
    assert job_count(database) == 0


def test_gate_refusal_leaves_apply_without_a_trace(
    as_user: Client, database: Database, in_progress: dict[str, str], clean_hooks: None
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco_id = in_progress["eco"]
    move(eng, eco_id, in_progress[REVIEW])
    ok(approver.post(f"{ECO}/{eco_id}/transitions", json={"action": "approve"}))
    eco = ok(eng.get(f"{ECO}/{eco_id}"))
    history = events(eng, eco_id)
    eco_hooks.register("before", enqueue)
    eco_gate_hooks.register("before", veto)

    error(eng.post(f"{ECO}/{eco_id}/transitions", json={"action": "apply"}), 409, "vetoed")
    assert ok(eng.get(f"{ECO}/{eco_id}")) == eco
    assert events(eng, eco_id) == history
    assert item(database, eco["target_item_id"]) == ("Draft", False)
    assert item(database, eco["product_id"]) == ("Released", True)
    assert job_count(database) == 0

    eco_gate_hooks.unregister("before", veto)
    assert ok(eng.post(f"{ECO}/{eco_id}/transitions", json={"action": "apply"}))["state"] == "done"
    assert job_count(database) == 1


def test_after_action_failing_on_apply_undoes_the_release(
    as_user: Client, database: Database, in_progress: dict[str, str], clean_hooks: None
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco_id = in_progress["eco"]
    move(eng, eco_id, in_progress[REVIEW])
    eco = ok(approver.post(f"{ECO}/{eco_id}/transitions", json={"action": "approve"}))
    eco_hooks.register("after", veto)
    error(eng.post(f"{ECO}/{eco_id}/transitions", json={"action": "apply"}), 409, "vetoed")
    assert ok(eng.get(f"{ECO}/{eco_id}"))["state"] == "progress"
    assert item(database, eco["target_item_id"]) == ("Draft", False)
    assert item(database, eco["product_id"]) == ("Released", True)


def test_every_eco_point_fires_before_and_after_with_its_transition(
    as_user: Client, product: str, users: dict[str, User]
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    e, a = users["engineer"].id, users["approver"].id
    eco_id = create_eco(eng, product)["id"]
    other_id = create_eco(eng, product, name="dropped")["id"]
    ids = {n: s["id"] for n, s in stages(eng).items()}
    with recording(eco_hooks) as seen:
        ok(eng.post(f"{ECO}/{eco_id}/new-revision"))
        move(eng, eco_id, ids[REVIEW])
        ok(approver.post(f"{ECO}/{eco_id}/transitions", json={"action": "reject"}))
        move(eng, eco_id, ids["New"])
        move(eng, eco_id, ids[REVIEW])
        ok(approver.post(f"{ECO}/{eco_id}/transitions", json={"action": "approve"}))
        ok(eng.post(f"{ECO}/{eco_id}/transitions", json={"action": "apply"}))
        ok(eng.post(f"{ECO}/{other_id}/transitions", json={"action": "cancel"}))
    p = "progress"
    expected = [
        ("eco.new_revision", "draft", p, "New", "New", e),
        ("eco.move", p, p, "New", REVIEW, e),
        ("eco.reject", p, p, REVIEW, REVIEW, a),
        ("eco.move", p, p, REVIEW, "New", e),
        ("eco.move", p, p, "New", REVIEW, e),
        ("eco.approve", p, p, REVIEW, REVIEW, a),
        # the approval completes the stage: the automatic move is an eco.move of its own
        ("eco.move", p, p, REVIEW, READY, a),
        ("eco.apply", p, "done", READY, "Done", e),
        ("eco.cancel", "draft", "canceled", "New", "New", e),
    ]
    assert seen == [(phase, *t) for t in expected for phase in ("before", "after")]


def test_hooks_run_in_the_seed_order_and_see_the_object_before_and_after(
    as_user: Client, in_progress: dict[str, str]
) -> None:
    eng = as_user("engineer")
    seen: list[tuple[str, str, str]] = []

    def stage_seen(label: str) -> Hook:
        def hook(_session: Session, t: Transition) -> None:
            seen.append((label, t.point, t.obj.stage.name))

        return hook

    with (
        hooked(eco_gate_hooks, ("before", stage_seen("gate"))),
        hooked(eco_hooks, ("before", stage_seen("before")), ("after", stage_seen("after"))),
    ):
        move(eng, in_progress["eco"], in_progress[REVIEW])
        ok(eng.post(f"{ECO}/{in_progress['eco']}/transitions", json={"action": "cancel"}))
    assert seen == [
        ("gate", "eco.move", "New"),
        ("before", "eco.move", "New"),
        ("after", "eco.move", REVIEW),
        # cancel has no gate
        ("before", "eco.cancel", REVIEW),
        ("after", "eco.cancel", REVIEW),
    ]


def test_warnings_of_every_phase_come_back_in_the_answer_in_order(
    as_user: Client, in_progress: dict[str, str]
) -> None:
    eng = as_user("engineer")
    with (
        hooked(eco_gate_hooks, ("before", warner("gate"))),
        hooked(eco_hooks, ("before", warner("check BOM")), ("after", warner("tell purchasing"))),
    ):
        answer = move(eng, in_progress["eco"], in_progress[REVIEW])
    assert answer["stage_name"] == REVIEW
    assert answer["warnings"] == [
        "gate on eco.move",
        "check BOM on eco.move",
        "tell purchasing on eco.move",
    ]
    assert (
        ok(eng.post(f"{ECO}/{in_progress['eco']}/transitions", json={"action": "cancel"}))[
            "warnings"
        ]
        == []
    )


@pytest.mark.parametrize("phase", ["before", "after"])
def test_block_answers_409_with_its_body_and_writes_nothing(
    as_user: Client, database: Database, in_progress: dict[str, str], phase: Phase
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco_id = in_progress["eco"]
    move(eng, eco_id, in_progress[REVIEW])
    eco, history = ok(eng.get(f"{ECO}/{eco_id}")), events(eng, eco_id)
    with hooked(eco_hooks, ("before", enqueue), (phase, blocker(ncr="NCR-7"))):
        response = approver.post(f"{ECO}/{eco_id}/transitions", json={"action": "approve"})
    assert response.json() == {
        "detail": {
            "code": "held_by_quality",
            "message": f"quality holds {eco_id}",
            "context": {"point": "eco.approve", "ncr": "NCR-7"},
        }
    }
    assert response.status_code == 409
    assert ok(eng.get(f"{ECO}/{eco_id}")) == eco
    assert events(eng, eco_id) == history
    assert approval_count(database, eco_id) == 0
    assert job_count(database) == 0


@pytest.mark.parametrize("phase", ["before", "after"])
def test_a_crashing_hook_answers_500_and_undoes_the_transition(
    app: FastAPI,
    as_user: Client,
    database: Database,
    users: dict[str, User],
    in_progress: dict[str, str],
    phase: Phase,
) -> None:
    eco_id = in_progress["eco"]
    eng = as_user("engineer")
    eco, history = ok(eng.get(f"{ECO}/{eco_id}")), events(eng, eco_id)
    crashing = TestClient(app, headers=bearer(users["engineer"]), raise_server_exceptions=False)
    with hooked(eco_hooks, ("before", enqueue), (phase, crasher)), crashing:
        response = crashing.post(
            f"{ECO}/{eco_id}/transitions", json={"action": "move", "stage_id": in_progress[REVIEW]}
        )
    assert response.status_code == 500
    assert response.json()["detail"]["code"] == "internal_error"
    assert ok(eng.get(f"{ECO}/{eco_id}")) == eco
    assert events(eng, eco_id) == history
    assert job_count(database) == 0


@pytest.mark.parametrize("refusal", ["block", "crash"])
def test_auto_progress_refused_or_crashing_keeps_the_approval_and_warns(
    as_user: Client,
    database: Database,
    in_progress: dict[str, str],
    refusal: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco_id = in_progress["eco"]
    move(eng, eco_id, in_progress[REVIEW])
    refuse: Hook = blocker() if refusal == "block" else crasher
    with (
        eco_hooks.registered("before", enqueue),
        eco_hooks.registered("after", refuse, name="refuse", points=["eco.move"]),
    ):
        response = approver.post(
            f"{ECO}/{eco_id}/transitions",
            json={"action": "approve"},
            headers={"X-Request-ID": "req-42"},
        )
    eco = ok(response)
    assert (eco["stage_name"], eco["state"]) == (REVIEW, "approved")
    number = eco["number"]
    reason = (
        f"quality holds {eco_id}"
        if refusal == "block"
        else "an internal error stopped the move (request id req-42)"
    )
    assert eco["warnings"] == [f"{number} stays in {REVIEW}, not moved to {READY}: {reason}"]
    # the approval and its event are committed; the move and the job it enqueued are not
    assert approval_count(database, eco_id) == 1
    assert ok(eng.get(f"{ECO}/{eco_id}")) == {k: v for k, v in eco.items() if k != "warnings"}
    kinds = [x["event_type"] for x in events(eng, eco_id)]
    assert kinds[-3:] == ["approved", "auto_progress_blocked", "state_changed"]
    blocked = events(eng, eco_id)[-2]
    code = "held_by_quality" if refusal == "block" else "auto_progress_failed"
    assert (blocked["data"]["code"], blocked["to_value"]) == (code, READY)
    # the approve transition's own job stays: only the automatic move was undone
    assert job_count(database) == 1
    if refusal == "crash":
        assert any("req-42" in r.getMessage() and r.exc_info for r in caplog.records)
    # an engineer moves it on by hand once the hook is fixed
    assert move(eng, eco_id, in_progress[READY])["stage_name"] == READY


def test_gate_blocking_auto_progress_keeps_the_approval(
    as_user: Client, database: Database, in_progress: dict[str, str], clean_hooks: None
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco_id = in_progress["eco"]
    move(eng, eco_id, in_progress[REVIEW])
    eco_gate_hooks.register("before", veto)

    eco = ok(approver.post(f"{ECO}/{eco_id}/transitions", json={"action": "approve"}))
    assert (eco["stage_name"], eco["state"]) == (REVIEW, "approved")
    assert ok(eng.get(f"{ECO}/{eco_id}/approvals"))["total"] == 1
    blocked = [e for e in events(eng, eco_id) if e["event_type"] == "auto_progress_blocked"]
    assert blocked[0]["data"]["code"] == "vetoed"
