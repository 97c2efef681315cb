"""Custom actions on real transitions: each action, each strategy, order, rollback, timeouts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.eco.conftest import move, release_item, stages
from tests.eco.targets import open_target
from tests.workflow_action.test_rules import API, rule
from yuantus.core.db import Database
from yuantus.event.models import Event
from yuantus.identity.models import User
from yuantus.job import registry
from yuantus.job.models import Job

Client = Callable[[str], TestClient]
REVIEW = "Engineering Review"
PLUGIN_TASK = "test_plugin_sync"


@pytest.fixture
def unloaded_task() -> Iterator[str]:
    """A task type that is registered when a rule is saved and gone when the rule runs."""

    def sync(_ctx: Any) -> None:
        """A plugin's handler."""

    registry.task(PLUGIN_TASK)(sync)
    yield PLUGIN_TASK
    registry._handlers.pop(PLUGIN_TASK, None)


def _unload() -> None:
    registry._handlers.pop(PLUGIN_TASK, None)


def _save(admin: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = admin.post(f"{API}/rules", json=body)
    assert response.status_code in (200, 201), response.text
    saved: dict[str, Any] = response.json()
    return saved


def _runs(admin: TestClient, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = admin.get(
        f"{API}/runs", params={"sort": "created_at", **params}
    ).json()["items"]
    return items


def _jobs(database: Database, task_type: str) -> list[Job]:
    with database.scope() as s:
        return list(s.scalars(select(Job).where(Job.task_type == task_type)))


def _eco_rule(name: str, **fields: Any) -> dict[str, Any]:
    return rule(name, target_object="ECO", to_state=REVIEW, **fields)


def test_an_item_release_runs_its_rules_in_order_for_real(
    as_user: Client, database: Database, users: dict[str, User]
) -> None:
    admin = as_user("admin")
    _save(admin, rule("b-event", to_state="Released", priority=5))
    _save(
        admin,
        rule(
            "a-job",
            to_state="Released",
            priority=5,
            action_type="create_job",
            action_params={"task_type": "echo", "payload": {"message": "to MES"}},
            fail_strategy="block",
        ),
    )
    _save(admin, rule("first", to_state="Released", priority=0))
    _save(admin, rule("on-submit", to_state="InReview", action_params={"event_type": "erp.x"}))
    part = release_item(database, users["engineer"], "Bracket", number="BR-1")
    runs = _runs(admin, object_id=part)
    assert [(r["rule_name"], r["status"], r["result_code"]) for r in runs] == [
        ("on-submit", "completed", "OK"),
        ("first", "completed", "OK"),
        ("a-job", "completed", "OK"),
        ("b-event", "completed", "OK"),
    ]
    (job,) = _jobs(database, "echo")
    assert job.payload == {"message": "to MES", "object_type": "ITEM", "object_id": part}
    with database.scope() as s:
        emitted = s.scalars(
            select(Event).where(Event.type == "erp.part_released", Event.object_id == part)
        ).all()
        assert [e.payload["to_state"] for e in emitted] == ["Released", "Released"]


def test_a_block_after_rule_undoes_the_move_and_an_earlier_rules_job(
    as_user: Client, database: Database, users: dict[str, User], unloaded_task: str
) -> None:
    admin, eng = as_user("admin"), as_user("engineer")
    product = release_item(database, users["engineer"], "Gearbox", number="GB-1")
    _save(
        admin,
        _eco_rule(
            "enqueue",
            priority=0,
            action_type="create_job",
            action_params={"task_type": "echo"},
            fail_strategy="block",
        ),
    )
    _save(
        admin,
        _eco_rule(
            "plugin-sync",
            priority=1,
            action_type="create_job",
            action_params={"task_type": unloaded_task},
            fail_strategy="block",
        ),
    )
    _unload()  # the plugin is gone: its rule fails when it runs
    eco_id, _target = open_target(eng, product)
    eco = {"id": eco_id}
    response = eng.post(
        f"/api/v1/eco/{eco['id']}/transitions",
        json={"action": "move", "stage_id": stages(eng)[REVIEW]["id"]},
    )
    assert response.status_code == 409, response.text
    detail = response.json()["detail"]
    assert detail["code"] == "custom_action_blocked"
    assert detail["context"]["rule"] == "plugin-sync"
    assert "unknown_task_type" in detail["context"]["error"]
    assert eng.get(f"/api/v1/eco/{eco['id']}").json()["stage_name"] == "New"
    assert _jobs(database, "echo") == []  # the earlier rule's job rolled back
    runs = _runs(admin, object_id=eco["id"])
    assert [(r["rule_name"], r["status"], r["result_code"]) for r in runs] == [
        ("plugin-sync", "failed", "BLOCK")
    ]


def test_warn_retry_and_timeout_let_the_move_go_on_and_say_so(
    as_user: Client, database: Database, users: dict[str, User], unloaded_task: str
) -> None:
    admin, eng = as_user("admin"), as_user("engineer")
    product = release_item(database, users["engineer"], "Gearbox", number="GB-2")
    broken = {"action_type": "create_job", "action_params": {"task_type": unloaded_task}}
    _save(admin, _eco_rule("w-warn", priority=1, fail_strategy="warn", **broken))
    _save(admin, _eco_rule("r-retry", priority=2, fail_strategy="retry", max_retries=2, **broken))
    _save(admin, _eco_rule("t-slow", priority=3, fail_strategy="warn", timeout_s=1e-9))
    _save(
        admin,
        _eco_rule(
            "p-expedite",
            priority=4,
            action_type="set_eco_priority",
            action_params={"priority": "urgent"},
        ),
    )
    _unload()
    eco_id, _target = open_target(eng, product)
    eco = {"id": eco_id}
    moved = move(eng, eco["id"], stages(eng)[REVIEW]["id"])
    warnings = " | ".join(moved["warnings"])
    assert "'w-warn' failed (WARN)" in warnings
    assert "'r-retry' failed (RETRY_EXHAUSTED)" in warnings
    assert "'t-slow' failed (TIMEOUT)" in warnings
    runs = {r["rule_name"]: r for r in _runs(admin, object_id=eco["id"])}
    assert (runs["w-warn"]["status"], runs["w-warn"]["attempts"]) == ("warning", 1)
    assert (runs["r-retry"]["result_code"], runs["r-retry"]["attempts"]) == ("RETRY_EXHAUSTED", 3)
    assert runs["t-slow"]["result_code"] == "TIMEOUT"
    assert runs["p-expedite"]["result"] == {"from": "normal", "to": "urgent"}
    with database.scope() as s:
        # the timed-out rule's event was undone with its savepoint
        assert s.scalars(select(Event).where(Event.type == "erp.part_released")).all() == []
    after = eng.get(f"/api/v1/eco/{eco['id']}").json()
    assert (after["stage_name"], after["priority"]) == (REVIEW, "urgent")
    history = eng.get(f"/api/v1/eco/{eco['id']}/events").json()["items"]
    assert any(e["event_type"] == "priority_changed" and e["to_value"] == "urgent" for e in history)


def test_a_dry_run_plans_in_order_and_writes_nothing(
    as_user: Client, database: Database, users: dict[str, User]
) -> None:
    admin = as_user("admin")
    part = release_item(database, users["engineer"], "Bracket", number="BR-2")
    _save(admin, rule("beta", to_state="Released", priority=0))
    _save(admin, rule("alpha", to_state="Released", priority=0))
    _save(admin, rule("early", to_state="Released", priority=0, trigger_phase="before"))
    _save(admin, rule("other", to_state="Obsolete"))
    body = {
        "object_id": part,
        "target_object": "ITEM",
        "from_state": "InReview",
        "to_state": "Released",
        "trigger_phase": "after",
        "dry_run": True,
    }
    planned = admin.post(f"{API}/execute", json=body).json()
    assert [p["rule"] for p in planned["planned"]] == ["alpha", "beta"]
    assert planned["planned"][0]["would"].startswith("emit event erp.part_released")
    assert planned["runs"] == []
    assert _runs(admin, object_id=part) == [
        r for r in _runs(admin, object_id=part) if r["rule_name"] not in ("alpha", "beta")
    ]
    ran = admin.post(f"{API}/execute", json={**body, "dry_run": False}).json()
    assert [r["rule_name"] for r in ran["runs"]] == ["alpha", "beta"]
    missing = admin.post(f"{API}/execute", json={**body, "object_id": "nope"})
    assert missing.status_code == 404
