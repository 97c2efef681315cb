"""Each action with each strategy, through POST /workflow-actions/execute on real objects.

Success runs the action for real; failure is forced the way production meets it: the timeout
(every action), a closed ECO (set_eco_priority), a task type whose plugin is gone (create_job).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.eco.conftest import release_item
from yuantus.core.db import Database
from yuantus.eco import flow
from yuantus.eco import service as eco_service
from yuantus.eco.apply import action_cancel
from yuantus.eco.models import Eco
from yuantus.event.models import Event
from yuantus.identity.models import User
from yuantus.job import registry
from yuantus.job.models import Job

API = "/api/v1/workflow-actions"
Client = Callable[[str], TestClient]
PARAMS = {
    "emit_event": {"event_type": "erp.matrix"},
    "create_job": {"task_type": "echo"},
    "set_eco_priority": {"priority": "urgent"},
}


@pytest.fixture
def eco_id(database: Database, users: dict[str, User]) -> str:
    product = release_item(database, users["engineer"], "Gearbox", number="GB-M")
    with database.scope() as s:
        eco = eco_service.create_eco(
            s, name="matrix", eco_type="bom", product_id=product, user=users["engineer"]
        )
        return eco.id


@pytest.fixture
def gone_task() -> Iterator[str]:
    def handler(_ctx: Any) -> None:
        """A plugin's handler."""

    registry.task("test_matrix_plugin")(handler)
    yield "test_matrix_plugin"
    registry._handlers.pop("test_matrix_plugin", None)


def _run(admin: TestClient, eco: str, action: str, strategy: str, **fields: Any) -> Any:
    rule = {
        "name": f"{action}-{strategy}",
        "target_object": "ECO",
        "action_type": action,
        "action_params": fields.pop("params", PARAMS[action]),
        "fail_strategy": strategy,
        "max_retries": 2 if strategy == "retry" else 0,
        **fields,
    }
    saved = admin.post(f"{API}/rules", json=rule)
    assert saved.status_code == 201, saved.text
    return admin.post(
        f"{API}/execute",
        json={"object_id": eco, "target_object": "ECO", "trigger_phase": "after"},
    )


def _effects(database: Database, eco: str) -> tuple[int, int, str]:
    with database.scope() as s:
        events = len(s.scalars(select(Event).where(Event.type == "erp.matrix")).all())
        jobs = len(s.scalars(select(Job).where(Job.task_type == "echo")).all())
        row = s.get(Eco, eco)
        assert row is not None
        return events, jobs, row.priority


@pytest.mark.parametrize("strategy", ["block", "warn", "retry"])
@pytest.mark.parametrize("action", ["emit_event", "create_job", "set_eco_priority"])
def test_a_working_action_does_its_work_under_any_strategy(
    as_user: Client, database: Database, eco_id: str, action: str, strategy: str
) -> None:
    response = _run(as_user("admin"), eco_id, action, strategy)
    assert response.status_code == 200, response.text
    (run,) = response.json()["runs"]
    assert (run["status"], run["result_code"], run["attempts"]) == ("completed", "OK", 1)
    expected = {
        "emit_event": (1, 0, "normal"),
        "create_job": (0, 1, "normal"),
        "set_eco_priority": (0, 0, "urgent"),
    }[action]
    assert _effects(database, eco_id) == expected


@pytest.mark.parametrize("action", ["emit_event", "create_job", "set_eco_priority"])
def test_a_timed_out_action_is_undone_and_each_strategy_answers_as_it_says(
    as_user: Client, database: Database, eco_id: str, action: str
) -> None:
    admin = as_user("admin")
    blocked = _run(admin, eco_id, action, "block", timeout_s=1e-9)
    assert blocked.status_code == 409, blocked.text
    detail = blocked.json()["detail"]
    assert (detail["code"], detail["context"]["result_code"]) == (
        "custom_action_blocked",
        "TIMEOUT",
    )
    admin.delete(f"{API}/rules/{admin.get(f'{API}/rules').json()['items'][0]['id']}")
    warned = _run(admin, eco_id, action, "warn", timeout_s=1e-9)
    assert warned.status_code == 200
    assert "(TIMEOUT)" in warned.json()["warnings"][0]
    assert _effects(database, eco_id) == (0, 0, "normal")  # every attempt was rolled back
    runs = admin.get(f"{API}/runs", params={"object_id": eco_id, "sort": "created_at"}).json()
    assert [(r["rule_name"], r["result_code"]) for r in runs["items"]] == [
        (f"{action}-block", "TIMEOUT"),
        (f"{action}-warn", "TIMEOUT"),
    ]


def test_failing_actions_block_warn_and_retry(
    as_user: Client, database: Database, eco_id: str, users: dict[str, User], gone_task: str
) -> None:
    admin = as_user("admin")
    saved = admin.post(
        f"{API}/rules",
        json={
            "name": "job-retry",
            "target_object": "ECO",
            "action_type": "create_job",
            "action_params": {"task_type": gone_task},
            "fail_strategy": "retry",
            "max_retries": 3,
        },
    )
    assert saved.status_code == 201
    registry._handlers.pop(gone_task, None)
    with database.scope() as s:
        action_cancel(s, flow.get(s, eco_id), users["engineer"])
    for strategy in ("warn", "block"):
        admin.post(
            f"{API}/rules",
            json={
                "name": f"priority-{strategy}",
                "target_object": "ECO",
                "action_type": "set_eco_priority",
                "action_params": {"priority": "high"},
                "fail_strategy": strategy,
                "priority": 1 if strategy == "warn" else 2,
            },
        )
    response = admin.post(
        f"{API}/execute",
        json={"object_id": eco_id, "target_object": "ECO", "trigger_phase": "after"},
    )
    assert response.status_code == 409
    assert response.json()["detail"]["context"]["rule"] == "priority-block"
    runs = admin.get(f"{API}/runs", params={"object_id": eco_id, "status": "failed"}).json()
    # the block rolled back the earlier runs of this execution; its own run stays
    assert [(r["rule_name"], r["result_code"]) for r in runs["items"]] == [
        ("priority-block", "BLOCK")
    ]
    admin.delete(f"{API}/rules/{runs['items'][0]['rule_id']}")
    again = admin.post(
        f"{API}/execute",
        json={"object_id": eco_id, "target_object": "ECO", "trigger_phase": "after"},
    ).json()
    results = {r["rule_name"]: (r["result_code"], r["attempts"]) for r in again["runs"]}
    assert results == {"priority-warn": ("WARN", 1), "job-retry": ("RETRY_EXHAUSTED", 4)}
    assert len(again["warnings"]) == 2
