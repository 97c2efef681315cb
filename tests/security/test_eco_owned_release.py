"""Finding 3: the target of an open ECO was submitted and released outside the ECO."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from tests.eco.conftest import ECO, Client, create_eco, error, events, item, ok, release_item
from tests.eco.conftest import move as move_to
from tests.eco.conftest import stages as stages_of
from yuantus.core.db import Database
from yuantus.identity.models import User
from yuantus.item.models import Item

ITEMS = "/api/v1/items"


@pytest.fixture
def product(database: Database, users: dict[str, User]) -> str:
    """A released Part, the ECO's source."""
    return release_item(database, users["engineer"], "Gearbox", number="GB-100")


def test_only_the_eco_apply_moves_its_targets_lifecycle(
    as_user: Client, database: Database, product: str
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco = create_eco(eng, product)
    target = ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))["target_item_id"]
    lifecycle = f"{ITEMS}/{target}/transitions"
    # in New the target is not locked, but its lifecycle belongs to the ECO
    detail = error(eng.post(lifecycle, json={"action": "submit"}), 409, "owned_by_eco")
    assert detail["context"] == {
        "eco_id": eco["id"],
        "eco_number": eco["number"],
        "stage": "New",
        "item_id": target,
        "action": "submit",
    }
    # a target already in review (submitted before this rule): release and reject refused
    with database.scope() as s:
        s.execute(update(Item).where(Item.id == target).values(state="InReview"))
    for action in ("release", "reject"):
        for who in (eng, approver):
            error(who.post(lifecycle, json={"action": action}), 409, "owned_by_eco")
    # nothing moved: the source is current, the approvals not bypassed, nothing recorded
    assert item(database, product) == ("Released", True)
    assert item(database, target) == ("InReview", False)
    assert "target_changed" not in [e["event_type"] for e in events(eng, eco["id"])]

    # through the ECO: review, approval, apply releases it and supersedes the source
    move_to(eng, eco["id"], stages_of(eng)["Engineering Review"]["id"])
    ok(approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}))
    assert ok(eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}))["state"] == (
        "done"
    )
    assert item(database, target) == ("Released", True)
    assert item(database, product) == ("Superseded", False)
