"""Finding 2: with auto-progress off, approve then reject left the ECO `approved`; apply took it."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import bearer
from tests.eco.conftest import ECO, Client, create_eco, error, events, item, ok, release_item
from tests.eco.conftest import move as move_to
from tests.eco.conftest import stages as stages_of
from yuantus.core.db import Database
from yuantus.identity import service as identity_service
from yuantus.identity.models import User


@pytest.fixture
def product(database: Database, users: dict[str, User]) -> str:
    """A released Part, the ECO's source."""
    return release_item(database, users["engineer"], "Gearbox", number="GB-100")


@pytest.fixture
def second_approver(app: FastAPI, database: Database, users: dict[str, User]) -> TestClient:
    """A second user with the approver role."""
    with database.scope() as s:
        user = identity_service.create_user(s, "approver2", "approver2-demo-pw", roles=["approver"])
    return TestClient(app, headers=bearer(user))


def test_a_rejection_after_the_approval_blocks_apply(
    as_user: Client, database: Database, product: str, second_approver: TestClient
) -> None:
    eng, approver, admin = as_user("engineer"), as_user("approver"), as_user("admin")
    eco = create_eco(eng, product)
    by = stages_of(eng)
    review = by["Engineering Review"]
    ok(admin.patch(f"{ECO}/stages/{review['id']}", json={"auto_progress": False}))
    target = ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))["target_item_id"]
    move_to(eng, eco["id"], review["id"])
    url = f"{ECO}/{eco['id']}/transitions"
    approved = ok(approver.post(url, json={"action": "approve"}))
    assert (approved["state"], approved["stage_name"]) == ("approved", "Engineering Review")

    rejected = ok(second_approver.post(url, json={"action": "reject", "comment": "no"}))
    # the stage is rejected: no longer approved, blocked until it re-enters the stage
    assert (rejected["state"], rejected["kanban_state"]) == ("progress", "blocked")
    states = [
        (e["from_value"], e["to_value"])
        for e in events(eng, eco["id"])
        if e["event_type"] == "state_changed"
    ]
    assert states[-2:] == [("progress", "approved"), ("approved", "progress")]

    detail = error(eng.post(url, json={"action": "apply"}), 409, "eco_not_ready")
    assert detail["context"]["missing"] == [
        "state approved or a stage that allows apply (now Engineering Review)",
        "stage Engineering Review was rejected; move the ECO back and resubmit",
    ]
    error(
        eng.post(url, json={"action": "move", "stage_id": by["Ready to Apply"]["id"]}),
        409,
        "approvals_missing",
    )
    options = ok(eng.get(url))["actions"]
    assert "apply" not in [a["action"] for a in options]
    # nothing was released: the source is still current, the target a draft
    assert item(database, product) == ("Released", True)
    assert item(database, target) == ("Draft", False)
    assert ok(eng.get(f"{ECO}/{eco['id']}"))["state"] == "progress"

    # resubmitted and approved again, it applies
    move_to(eng, eco["id"], by["New"]["id"])
    move_to(eng, eco["id"], review["id"])
    assert ok(approver.post(url, json={"action": "approve"}))["state"] == "approved"
    assert ok(eng.post(url, json={"action": "apply"}))["state"] == "done"
    assert item(database, target) == ("Released", True)


def test_a_rejection_in_a_stage_that_allows_apply_blocks_it_too(
    as_user: Client, database: Database, product: str
) -> None:
    """A mandatory stage that also allows apply: the rejection still counts."""
    eng, approver, admin = as_user("engineer"), as_user("approver"), as_user("admin")
    eco = create_eco(eng, product)
    review = stages_of(eng)["Engineering Review"]
    ok(admin.patch(f"{ECO}/stages/{review['id']}", json={"allow_apply": True}))
    target = ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))["target_item_id"]
    move_to(eng, eco["id"], review["id"])
    url = f"{ECO}/{eco['id']}/transitions"
    ok(approver.post(url, json={"action": "reject"}))
    detail = error(eng.post(url, json={"action": "apply"}), 409, "eco_not_ready")
    assert detail["context"]["missing"] == [
        "stage Engineering Review was rejected; move the ECO back and resubmit"
    ]
    assert item(database, target) == ("Draft", False)


def test_apply_cannot_skip_a_mandatory_stage_ahead(
    as_user: Client, database: Database, product: str
) -> None:
    """Apply from a stage before a review is refused, as a forward move past it is."""
    eng, admin = as_user("engineer"), as_user("admin")
    eco = create_eco(eng, product)
    new = stages_of(eng)["New"]
    ok(admin.patch(f"{ECO}/stages/{new['id']}", json={"allow_apply": True}))
    target = ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))["target_item_id"]
    url = f"{ECO}/{eco['id']}/transitions"
    detail = error(eng.post(url, json={"action": "apply"}), 409, "eco_not_ready")
    assert detail["context"]["missing"] == [
        "stage Engineering Review needs its approvals and cannot be skipped"
    ]
    assert item(database, target) == ("Draft", False)
