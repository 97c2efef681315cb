"""The gate in the ECO flow: forward moves and apply refused while blockers are open."""

from __future__ import annotations

from tests.eco_activity.conftest import (
    ACT,
    ECO,
    Client,
    Json,
    add,
    eco,
    eco_apply,
    eco_approve,
    eco_move,
    error,
    finish,
    move,
    ok,
    open_eco,
    stages,
)
from yuantus.core.db import Database
from yuantus.identity.models import User


def _blocker(activity: Json, reason: str, unmet: list[Json], **fields: object) -> Json:
    """The blocker the API must answer for an activity, field by field."""
    return {
        "activity_id": activity["id"],
        "name": activity["name"],
        "state": fields.get("state", activity["state"]),
        "reason": reason,
        "unmet_dependencies": unmet,
        "assignee_id": activity["assignee_id"],
        "assignee_name": activity["assignee_name"],
        "assignee_role": activity["assignee_role"],
        "due_at": activity["due_at"],
    }


def test_a_blocked_eco_is_refused_with_every_blocker_and_moves_once_unblocked(
    as_user: Client, product: str, users: dict[str, User]
) -> None:
    eng = as_user("engineer")
    eco_id = open_eco(eng, product)
    st = stages(eng)
    drawing = add(eng, eco_id, "Update drawing", assignee_id=users["engineer"].id)
    stock = add(
        eng, eco_id, "Check stock", assignee_role="production", due_at="2027-01-04T09:00:00Z"
    )
    fai = add(eng, eco_id, "Sign first article", drawing["id"], stock["id"])
    add(eng, eco_id, "Tell the customer", is_blocking=False)
    ok(move(eng, stock["id"], "active"))
    before = ok(eng.get(f"{ECO}/{eco_id}/events"))
    detail = error(eco_move(eng, eco_id, st["Engineering Review"]["id"]), 409, "eco_blocked")
    assert detail["message"] == (
        f"ECO {eco(eng, eco_id)['number']} cannot move to Engineering Review: 3 blocking "
        "activities are open (Update drawing, Check stock, Sign first article)"
    )
    unmet = [
        {"activity_id": drawing["id"], "name": "Update drawing", "state": "pending"},
        {"activity_id": stock["id"], "name": "Check stock", "state": "active"},
    ]
    expected = [
        _blocker(drawing, "not_completed", []),
        _blocker(stock, "not_completed", [], state="active"),
        _blocker(fai, "dependency_not_completed", unmet),
    ]
    assert expected[0]["assignee_name"] == "engineer"
    assert expected[1]["due_at"] == "2027-01-04T09:00:00Z"
    assert detail["context"] == {
        "eco_id": eco_id,
        "action": "move",
        "from_stage": "New",
        "to_stage": "Engineering Review",
        "blockers": expected,
    }
    # the same list from the blockers endpoint; nothing of the refused move persisted
    assert ok(eng.get(f"{ACT}/{eco_id}/blockers"))["items"] == expected
    assert eco(eng, eco_id)["stage_name"] == "New"
    assert ok(eng.get(f"{ECO}/{eco_id}/events")) == before

    finish(eng, drawing["id"])
    ok(move(eng, stock["id"], "completed"))
    still = error(eco_move(eng, eco_id, st["Engineering Review"]["id"]), 409, "eco_blocked")
    assert still["context"]["blockers"] == [
        _blocker(fai, "not_completed", []),
    ]
    finish(eng, fai["id"])
    moved = ok(eco_move(eng, eco_id, st["Engineering Review"]["id"]))
    assert moved["stage_name"] == "Engineering Review"


def test_moving_back_is_allowed_while_blockers_are_open(as_user: Client, product: str) -> None:
    eng = as_user("engineer")
    eco_id = open_eco(eng, product)
    st = stages(eng)
    ok(eco_move(eng, eco_id, st["Engineering Review"]["id"]))
    rework = add(eng, eco_id, "Rework the rib")
    back = ok(eco_move(eng, eco_id, st["New"]["id"]))
    assert back["stage_name"] == "New"
    detail = error(eco_move(eng, eco_id, st["Engineering Review"]["id"]), 409, "eco_blocked")
    assert [b["activity_id"] for b in detail["context"]["blockers"]] == [rework["id"]]


def test_apply_is_refused_while_blocked_and_goes_through_once_unblocked(
    as_user: Client, product: str, database: Database
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco_id = open_eco(eng, product)
    st = stages(eng)
    ok(eco_move(eng, eco_id, st["Engineering Review"]["id"]))
    ok(eco_approve(approver, eco_id))
    assert eco(eng, eco_id)["stage_name"] == "Ready to Apply"
    fai = add(eng, eco_id, "Sign first article", assignee_role="quality")
    detail = error(eco_apply(eng, eco_id), 409, "eco_blocked")
    number = eco(eng, eco_id)["number"]
    assert detail["message"] == (
        f"ECO {number} cannot be applied: 1 blocking activity is open (Sign first article)"
    )
    assert detail["context"] == {
        "eco_id": eco_id,
        "action": "apply",
        "from_stage": "Ready to Apply",
        "to_stage": "Done",
        "blockers": [_blocker(fai, "not_completed", [])],
    }
    refused = eco(eng, eco_id)
    assert (refused["state"], refused["stage_name"]) == ("progress", "Ready to Apply")
    quality = as_user("quality")
    finish(quality, fai["id"])
    applied = ok(eco_apply(eng, eco_id))
    assert (applied["state"], applied["stage_name"]) == ("done", "Done")
    # a done ECO's activities cannot change any more
    error(move(eng, fai["id"], "active"), 409, "eco_closed")
    error(eng.post(ACT, json={"eco_id": eco_id, "name": "late"}), 409, "eco_closed")


def test_an_approval_is_kept_when_its_automatic_move_is_blocked(
    as_user: Client, product: str
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco_id = open_eco(eng, product)
    st = stages(eng)
    ok(eco_move(eng, eco_id, st["Engineering Review"]["id"]))
    stock = add(eng, eco_id, "Check stock")
    answer = ok(eco_approve(approver, eco_id))
    assert (answer["state"], answer["stage_name"]) == ("approved", "Engineering Review")
    [warning] = answer["warnings"]
    assert "not moved to Ready to Apply" in warning
    assert "Check stock" in warning
    # the approved ECO may be applied from its stage, but not while the blocker is open
    error(eco_apply(eng, eco_id), 409, "eco_blocked")
    finish(eng, stock["id"])
    assert ok(eco_apply(eng, eco_id))["state"] == "done"
