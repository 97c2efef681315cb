"""Custom action rules over HTTP: upsert by name, parameters checked per action, admin only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from yuantus.core.db import Database
from yuantus.workflow_action.models import ActionRule

API = "/api/v1/workflow-actions"
Client = Callable[[str], TestClient]


def rule(name: str, **fields: Any) -> dict[str, Any]:
    """A rule body: an ITEM emit_event rule unless fields say otherwise."""
    return {
        "name": name,
        "target_object": "ITEM",
        "action_type": "emit_event",
        "action_params": {"event_type": "erp.part_released"},
        **fields,
    }


def test_upsert_by_name_creates_then_replaces(as_user: Client) -> None:
    admin = as_user("admin")
    first = admin.post(f"{API}/rules", json=rule("erp", priority=0))
    assert first.status_code == 201, first.text
    again = admin.post(
        f"{API}/rules", json=rule("erp", priority=7, fail_strategy="retry", max_retries=2)
    )
    assert again.status_code == 200
    body = again.json()
    assert (body["id"], body["priority"], body["max_retries"]) == (first.json()["id"], 7, 2)
    listing = admin.get(f"{API}/rules").json()
    assert listing["total"] == 1
    patched = admin.patch(f"{API}/rules/{body['id']}", json={"fail_strategy": "warn"}).json()
    assert (patched["fail_strategy"], patched["max_retries"]) == ("warn", 0)
    assert admin.get(f"{API}/rules/{body['id']}").json()["name"] == "erp"
    assert admin.delete(f"{API}/rules/{body['id']}").status_code == 204
    assert admin.get(f"{API}/rules/{body['id']}").status_code == 404


def test_rules_list_in_run_order(as_user: Client) -> None:
    admin = as_user("admin")
    for name, priority in (("b", 5), ("a", 5), ("z", 0)):
        assert admin.post(f"{API}/rules", json=rule(name, priority=priority)).status_code == 201
    names = [r["name"] for r in admin.get(f"{API}/rules").json()["items"]]
    assert names == ["z", "a", "b"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"action_params": {}}, "action_params.event_type"),
        ({"action_params": {"event_type": "Not A Type"}}, "action_params.event_type"),
        ({"action_params": {"event_type": "erp.x", "payload": [1]}}, "action_params.payload"),
        (
            {"action_type": "create_job", "action_params": {"task_type": "nope"}},
            "action_params.task_type",
        ),
        (
            {"action_type": "create_job", "action_params": {"task_type": "echo", "priority": -1}},
            "action_params.priority",
        ),
        (
            {"action_type": "set_eco_priority", "action_params": {"priority": "high"}},
            "action_params.priority",
        ),
        (
            {
                "target_object": "ECO",
                "action_type": "set_eco_priority",
                "action_params": {"priority": "asap"},
            },
            "action_params.priority",
        ),
        (
            {"action_params": {"event_type": "erp.x", "colour": "red"}},
            "action_params.colour",
        ),
    ],
)
def test_bad_params_are_422_naming_the_field_and_nothing_is_saved(
    as_user: Client, database: Database, fields: dict[str, Any], field: str
) -> None:
    response = as_user("admin").post(f"{API}/rules", json=rule("bad", **fields))
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail["code"] == "invalid_action_params"
    assert detail["context"]["field"] == field
    with database.scope() as s:
        assert s.scalars(select(ActionRule)).all() == []


@pytest.mark.parametrize(
    "fields",
    [
        {"target_object": "PART"},
        {"trigger_phase": "during"},
        {"fail_strategy": "ignore"},
        {"action_type": "send_mail"},
        {"max_retries": 11},
        {"timeout_s": 0},
        {"priority": -1},
        {"name": ""},
    ],
)
def test_bad_rule_fields_are_422(as_user: Client, fields: dict[str, Any]) -> None:
    response = as_user("admin").post(f"{API}/rules", json={**rule("bad"), **fields})
    assert response.status_code == 422, response.text


def test_rules_and_runs_are_admin_only(as_user: Client) -> None:
    for role in ("engineer", "approver", "viewer"):
        c = as_user(role)
        assert c.post(f"{API}/rules", json=rule("x")).status_code == 403
        assert c.get(f"{API}/rules").status_code == 403
        assert c.get(f"{API}/runs").status_code == 403
    assert as_user("admin").get(f"{API}/runs", params={"status": "odd"}).status_code == 422
