"""GET/POST /eco/{id}/transitions: actions by caller, stage roles, approvals, closed ECOs."""

from __future__ import annotations

from typing import Any

from tests.eco.conftest import ECO, Client, create_eco, error, events, move, ok, stages


def offered(client: Any, eco_id: str) -> tuple[str, list[tuple[str, str | None]]]:
    """The state and (action, to_state) pairs the caller is offered."""
    body = ok(client.get(f"{ECO}/{eco_id}/transitions"))
    return body["state"], [(a["action"], a["to_state"]) for a in body["actions"]]


def act(client: Any, eco_id: str, action: str, **body: Any) -> Any:
    """POST one action."""
    return client.post(f"{ECO}/{eco_id}/transitions", json={"action": action, **body})


def test_the_actions_follow_the_flow_and_the_caller(as_user: Client, product: str) -> None:
    eng, approver, viewer = as_user("engineer"), as_user("approver"), as_user("viewer")
    eco = create_eco(eng, product)
    by = stages(eng)
    # no target yet: nothing to apply; stage New takes no approvals
    assert offered(eng, eco["id"]) == ("draft", [("move", None), ("cancel", "canceled")])
    assert offered(approver, eco["id"]) == ("draft", [])
    assert offered(viewer, eco["id"]) == ("draft", [])

    ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))
    move(eng, eco["id"], by["Engineering Review"]["id"])
    assert offered(eng, eco["id"]) == ("progress", [("move", None), ("cancel", "canceled")])
    review = ok(approver.get(f"{ECO}/{eco['id']}/transitions"))["actions"]
    assert review == [
        {"action": "approve", "to_state": None, "roles": ["approver"]},
        {"action": "reject", "to_state": None, "roles": ["approver"]},
    ]
    assert offered(viewer, eco["id"]) == ("progress", [])

    # the approval completes the stage and moves the ECO on to Ready to Apply
    approved = ok(act(approver, eco["id"], "approve", comment="looks right"))
    assert approved["stage_name"] == "Ready to Apply"
    assert offered(approver, eco["id"]) == ("progress", [])
    assert offered(eng, eco["id"]) == (
        "progress",
        [("move", None), ("apply", "done"), ("cancel", "canceled")],
    )
    decisions = ok(eng.get(f"{ECO}/{eco['id']}/approvals"))["items"]
    assert [(d["decision"], d["comment"]) for d in decisions] == [("approved", "looks right")]

    done = ok(act(eng, eco["id"], "apply"))
    assert (done["state"], done["warnings"]) == ("done", [])
    assert offered(as_user("admin"), eco["id"]) == ("done", [])
    error(act(eng, eco["id"], "cancel"), 409, "eco_closed")


def test_a_decided_approver_is_offered_nothing_more(as_user: Client, product: str) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco = create_eco(eng, product)
    ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))
    move(eng, eco["id"], stages(eng)["Engineering Review"]["id"])
    ok(act(approver, eco["id"], "reject", comment="needs a drawing"))
    assert offered(approver, eco["id"]) == ("progress", [])
    # the admin has not decided yet and may sign any stage
    actions = offered(as_user("admin"), eco["id"])[1]
    assert [a for a, _ in actions] == ["move", "approve", "reject", "cancel"]


def test_unknown_action_and_misplaced_fields_write_nothing(as_user: Client, product: str) -> None:
    eng = as_user("engineer")
    eco = create_eco(eng, product)
    before, history = ok(eng.get(f"{ECO}/{eco['id']}")), events(eng, eco["id"])
    detail = error(act(eng, eco["id"], "launch"), 422, "unknown_action")
    assert detail["context"] == {
        "action": "launch",
        "allowed": ["apply", "approve", "cancel", "move", "reject"],
    }
    error(act(eng, eco["id"], "move"), 422, "validation_failed")
    review = stages(eng)["Engineering Review"]["id"]
    error(act(eng, eco["id"], "cancel", stage_id=review), 422, "validation_failed")
    error(act(as_user("viewer"), eco["id"], "move", stage_id=review), 403, "role_required")
    error(act(as_user("approver"), eco["id"], "cancel"), 403, "role_required")
    assert ok(eng.get(f"{ECO}/{eco['id']}")) == before
    assert events(eng, eco["id"]) == history
    for old in ("move-stage", "approve", "reject", "apply", "cancel"):
        assert eng.post(f"{ECO}/{eco['id']}/{old}").status_code in (404, 405)


def test_a_canceled_eco_offers_nothing(as_user: Client, product: str) -> None:
    eng = as_user("engineer")
    eco = create_eco(eng, product)
    canceled = ok(act(eng, eco["id"], "cancel", comment="superseded by another change"))
    assert canceled["state"] == "canceled"
    assert offered(as_user("admin"), eco["id"]) == ("canceled", [])
    last = events(eng, eco["id"])[-1]
    assert (last["event_type"], last["to_value"], last["data"]) == (
        "action_comment",
        "cancel",
        {"comment": "superseded by another change"},
    )


def test_the_openapi_enum_of_eco_actions_is_the_rule_table() -> None:
    """The action enum the OpenAPI shows is exactly the actions the ECO rules know."""
    from yuantus.eco.schemas import ECO_ACTIONS, EcoTransitionRequest
    from yuantus.eco.transitions import ECO_TRANSITIONS

    assert set(ECO_ACTIONS) == set(ECO_TRANSITIONS)
    schema = EcoTransitionRequest.model_json_schema()
    assert schema["properties"]["action"]["enum"] == list(ECO_ACTIONS)
