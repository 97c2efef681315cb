"""Hooks on every item lifecycle move, over HTTP: fields, warnings, blocks, crashes."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import bearer
from tests.hook_helpers import blocker, crasher, hooked, recording, warner
from tests.item.conftest import Client, create_item, lifecycle
from yuantus.core.db import Database
from yuantus.core.hooks import Phase
from yuantus.identity.models import User
from yuantus.item.models import Item
from yuantus.item.service import item_hooks

# action -> (the moves that bring a new item to where the action applies, from, to)
MOVES = {
    "submit": ([], "Draft", "InReview"),
    "reject": (["submit"], "InReview", "Draft"),
    "release": (["submit"], "InReview", "Released"),
    "obsolete": (["submit", "release"], "Released", "Obsolete"),
}


def _stored(database: Database, item_id: str) -> tuple[str, bool, object]:
    with database.scope() as s:
        row = s.execute(
            select(Item.state, Item.is_current, Item.released_at).where(Item.id == item_id)
        ).one()
        return row.state, row.is_current, row.released_at


def _actor(action: str) -> str:
    """Who runs a move: four eyes has the approver release what the engineer submitted."""
    return "approver" if action == "release" else "engineer"


def _ready(as_user: Client, action: str) -> str:
    item = create_item(as_user("engineer"))
    for step in MOVES[action][0]:
        lifecycle(as_user(_actor(step)), item["id"], step)
    return str(item["id"])


@pytest.mark.parametrize("action", sorted(MOVES))
def test_every_lifecycle_move_fires_before_and_after_with_its_transition(
    as_user: Client, users: dict[str, User], action: str
) -> None:
    item_id = _ready(as_user, action)
    _, from_state, to_state = MOVES[action]
    with recording(item_hooks) as seen:
        answer = lifecycle(as_user(_actor(action)), item_id, action)
    assert answer["state"] == to_state
    assert answer["warnings"] == []
    uid, point = users[_actor(action)].id, f"item.{action}"
    assert seen == [
        ("before", point, from_state, to_state, None, None, uid),
        ("after", point, from_state, to_state, None, None, uid),
    ]


def test_warnings_come_back_in_the_lifecycle_answer(as_user: Client) -> None:
    item_id = _ready(as_user, "release")
    with hooked(item_hooks, ("after", warner("drawing not attached"))):
        answer = lifecycle(as_user("approver"), item_id, "release")
    assert (answer["state"], answer["warnings"]) == (
        "Released",
        ["drawing not attached on item.release"],
    )


@pytest.mark.parametrize("phase", ["before", "after"])
def test_block_answers_409_with_its_body_and_the_revision_stays(
    as_user: Client, database: Database, phase: Phase
) -> None:
    item_id = _ready(as_user, "release")
    stored = _stored(database, item_id)
    with hooked(item_hooks, (phase, blocker(gate="fai"))):
        response = as_user("approver").post(
            f"/api/v1/items/{item_id}/transitions", json={"action": "release"}
        )
    assert (response.status_code, response.json()) == (
        409,
        {
            "detail": {
                "code": "held_by_quality",
                "message": f"quality holds {item_id}",
                "context": {"point": "item.release", "gate": "fai"},
            }
        },
    )
    assert _stored(database, item_id) == stored == ("InReview", True, None)


@pytest.mark.parametrize("phase", ["before", "after"])
def test_a_crashing_hook_answers_500_and_the_revision_stays(
    app: FastAPI, as_user: Client, database: Database, users: dict[str, User], phase: Phase
) -> None:
    item_id = _ready(as_user, "release")
    client = TestClient(app, headers=bearer(users["approver"]), raise_server_exceptions=False)
    with hooked(item_hooks, (phase, crasher)), client:
        response = client.post(f"/api/v1/items/{item_id}/transitions", json={"action": "release"})
    assert response.status_code == 500
    assert _stored(database, item_id) == ("InReview", True, None)
