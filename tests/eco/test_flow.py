"""The whole ECO flow over HTTP with demo users of different roles."""

from __future__ import annotations

from tests.eco.conftest import (
    ECO,
    Client,
    create_eco,
    error,
    events,
    item,
    move,
    ok,
    stages,
)
from yuantus.core.db import Database
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.item.models import Item


def test_create_answers_a_draft_eco_in_the_first_stage(as_user: Client, product: str) -> None:
    eng = as_user("engineer")
    eco = create_eco(eng, product, priority="high", effectivity_date="2027-01-15")
    assert eco["number"] == "ECO-00001"
    assert (eco["state"], eco["kanban_state"], eco["stage_name"]) == ("draft", "normal", "New")
    assert eco["product_id"] == product
    assert eco["target_item_id"] is None
    assert (eco["priority"], eco["effectivity_date"], eco["version"]) == ("high", "2027-01-15", 1)
    assert create_eco(eng, product)["number"] == "ECO-00002"
    assert ok(eng.get(f"{ECO}/{eco['id']}"))["number"] == "ECO-00001"
    assert [e["event_type"] for e in events(eng, eco["id"])] == ["created"]


def test_default_stages_exist(as_user: Client, product: str) -> None:
    eng = as_user("engineer")
    create_eco(eng, product)  # an emptied database gets the defaults lazily
    found = ok(eng.get(f"{ECO}/stages"))["items"]
    assert [s["name"] for s in found] == ["New", "Engineering Review", "Ready to Apply", "Done"]
    review = found[1]
    assert (review["approval_type"], review["approval_roles"], review["min_approvals"]) == (
        "mandatory",
        ["approver"],
        1,
    )
    assert review["auto_progress"]
    assert found[2]["allow_apply"]
    assert found[3]["is_final"]
    assert found[3]["fold"]


def test_whole_flow_releases_the_target_in_place_of_the_source(
    as_user: Client, database: Database, product: str
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco = create_eco(eng, product)
    by_name = stages(eng)

    eco = ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))
    target = eco["target_item_id"]
    assert target
    assert target != product
    assert eco["state"] == "progress"
    assert item(database, target) == ("Draft", False)

    eco = move(eng, eco["id"], by_name["Engineering Review"]["id"])
    assert (eco["stage_name"], eco["state"]) == ("Engineering Review", "progress")
    waiting = ok(approver.get(ECO, params={"waiting_for_me": True}))
    assert [e["id"] for e in waiting["items"]] == [eco["id"]]
    assert ok(eng.get(ECO, params={"waiting_for_me": True}))["total"] == 0

    # the single approval auto-progresses to Ready to Apply
    eco = ok(
        approver.post(
            f"{ECO}/{eco['id']}/transitions", json={"action": "approve", "comment": "looks good"}
        )
    )
    assert (eco["stage_name"], eco["state"]) == ("Ready to Apply", "progress")
    assert ok(approver.get(ECO, params={"waiting_for_me": True}))["total"] == 0

    eco = ok(eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}))
    assert (eco["state"], eco["kanban_state"], eco["stage_name"]) == ("done", "done", "Done")
    assert eco["applied_at"] is not None
    assert item(database, target) == ("Released", True)
    assert item(database, product) == ("Superseded", False)

    approvals = ok(eng.get(f"{ECO}/{eco['id']}/approvals"))
    assert approvals["total"] == 1
    assert (approvals["items"][0]["decision"], approvals["items"][0]["comment"]) == (
        "approved",
        "looks good",
    )
    history = events(eng, eco["id"])
    assert [e["seq"] for e in history] == list(range(1, len(history) + 1))
    kinds = [(e["event_type"], e["from_value"], e["to_value"]) for e in history]
    assert kinds == [
        ("created", None, "New"),
        ("new_revision", "A", "B"),
        ("state_changed", "draft", "progress"),
        ("stage_changed", "New", "Engineering Review"),
        ("approved", None, "Engineering Review"),
        ("stage_changed", "Engineering Review", "Ready to Apply"),
        ("stage_changed", "Ready to Apply", "Done"),
        ("applied", "A", "B"),
        ("state_changed", "progress", "done"),
    ]
    assert all(e["user_id"] for e in history)


def test_two_approvals_needed_with_different_roles(
    as_user: Client, users: dict[str, User], product: str
) -> None:
    admin, eng = as_user("admin"), as_user("engineer")
    approver, quality = as_user("approver"), as_user("quality")
    create_eco(eng, product)  # installs the default stages
    review = stages(eng)["Engineering Review"]
    ok(
        admin.patch(
            f"{ECO}/stages/{review['id']}",
            json={"approval_roles": ["approver", "quality"], "min_approvals": 2},
        )
    )
    eco = create_eco(eng, product, name="two signatures")
    ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))
    move(eng, eco["id"], review["id"])

    eco = ok(approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}))
    assert (eco["stage_name"], eco["state"]) == ("Engineering Review", "progress")
    detail = error(
        eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}), 409, "eco_not_ready"
    )
    assert any("1 more approval" in m for m in detail["context"]["missing"])
    error(
        approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}),
        409,
        "already_decided",
    )

    eco = ok(quality.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}))
    assert eco["stage_name"] == "Ready to Apply"
    approvals = ok(eng.get(f"{ECO}/{eco['id']}/approvals"))["items"]
    assert {a["user_id"] for a in approvals} == {users["approver"].id, users["quality"].id}
    assert (
        ok(eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}))["state"] == "done"
    )


def test_without_auto_progress_the_eco_waits_approved_and_applies(
    as_user: Client, database: Database, product: str
) -> None:
    admin, eng, approver = as_user("admin"), as_user("engineer"), as_user("approver")
    create_eco(eng, product)
    review = stages(eng)["Engineering Review"]
    ok(admin.patch(f"{ECO}/stages/{review['id']}", json={"auto_progress": False}))
    eco = create_eco(eng, product)
    eco = ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))
    move(eng, eco["id"], review["id"])
    eco = ok(approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}))
    assert (eco["stage_name"], eco["state"]) == ("Engineering Review", "approved")
    ok(eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}))
    assert item(database, eco["target_item_id"]) == ("Released", True)


def test_reject_blocks_until_the_stage_is_visited_again(as_user: Client, product: str) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco = create_eco(eng, product)
    by = stages(eng)
    ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))
    move(eng, eco["id"], by["Engineering Review"]["id"])

    eco = ok(
        approver.post(
            f"{ECO}/{eco['id']}/transitions", json={"action": "reject", "comment": "wrong material"}
        )
    )
    assert (eco["kanban_state"], eco["stage_name"]) == ("blocked", "Engineering Review")
    error(
        approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}),
        409,
        "already_decided",
    )
    detail = error(
        eng.post(
            f"{ECO}/{eco['id']}/transitions",
            json={"action": "move", "stage_id": by["Ready to Apply"]["id"]},
        ),
        409,
        "approvals_missing",
    )
    assert "rejected" in detail["context"]["missing"][0]
    error(
        eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}), 409, "eco_not_ready"
    )

    # back to New and forward again: a new visit, a fresh decision
    eco = move(eng, eco["id"], by["New"]["id"])
    assert eco["kanban_state"] == "normal"
    move(eng, eco["id"], by["Engineering Review"]["id"])
    eco = ok(approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}))
    assert eco["stage_name"] == "Ready to Apply"
    decisions = [a["decision"] for a in ok(eng.get(f"{ECO}/{eco['id']}/approvals"))["items"]]
    assert decisions == ["rejected", "approved"]


def test_cancel_discards_the_draft_target(
    as_user: Client, database: Database, product: str
) -> None:
    eng = as_user("engineer")
    eco = create_eco(eng, product)
    target = ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))["target_item_id"]
    eco = ok(eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "cancel"}))
    assert (eco["state"], eco["target_item_id"]) == ("canceled", None)
    with database.scope() as s:
        config_id = item_service.get(s, product).config_id
        assert [r.id for r in item_service.list_revisions(s, config_id)] == [product]
    assert item(database, product) == ("Released", True)
    assert events(eng, eco["id"])[-1]["to_value"] == "canceled"
    # the product is free for the next change
    other = create_eco(eng, product)
    assert ok(eng.post(f"{ECO}/{other['id']}/new-revision"))["target_item_id"] != target


def test_second_eco_to_apply_on_one_product_conflicts(
    as_user: Client, database: Database, product: str
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    first, second = create_eco(eng, product, name="first"), create_eco(eng, product, name="second")
    by = stages(eng)

    def through_review(eco_id: str) -> str:
        target: str = ok(eng.post(f"{ECO}/{eco_id}/new-revision"))["target_item_id"]
        move(eng, eco_id, by["Engineering Review"]["id"])
        ok(approver.post(f"{ECO}/{eco_id}/transitions", json={"action": "approve"}))
        return target

    first_target = through_review(first["id"])
    ok(eng.post(f"{ECO}/{first['id']}/transitions", json={"action": "apply"}))
    second_target = through_review(second["id"])

    detail = error(
        eng.post(f"{ECO}/{second['id']}/transitions", json={"action": "apply"}), 409, "eco_conflict"
    )
    ctx = detail["context"]
    assert (ctx["source_item_id"], ctx["source_revision"]) == (product, "A")
    assert (ctx["current_item_id"], ctx["current_revision"]) == (first_target, "B")
    assert (ctx["target_item_id"], ctx["target_revision"]) == (second_target, "C")

    # the 409 rolled the apply back but the conflict state was recorded
    eco = ok(eng.get(f"{ECO}/{second['id']}"))
    assert eco["state"] == "conflict"
    assert item(database, second_target) == ("Draft", False)
    assert item(database, first_target) == ("Released", True)
    assert events(eng, second["id"])[-2]["event_type"] == "conflict"
    assert ok(eng.get(ECO, params={"state": "conflict"}))["total"] == 1

    error(
        eng.post(f"{ECO}/{second['id']}/transitions", json={"action": "apply"}),
        409,
        "eco_in_conflict",
    )
    eco = ok(eng.post(f"{ECO}/{second['id']}/transitions", json={"action": "cancel"}))
    assert eco["state"] == "canceled"
    with database.scope() as s:
        assert s.get(Item, second_target) is None


def test_comment_stage_records_comments_and_gates_nothing(as_user: Client, product: str) -> None:
    admin, eng, approver = as_user("admin"), as_user("engineer"), as_user("approver")
    create_eco(eng, product)
    by = stages(eng)
    review = by["Engineering Review"]
    ok(
        admin.patch(
            f"{ECO}/stages/{review['id']}", json={"approval_type": "comment", "min_approvals": 0}
        )
    )
    eco = create_eco(eng, product)
    ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))
    move(eng, eco["id"], review["id"])
    eco = ok(
        approver.post(
            f"{ECO}/{eco['id']}/transitions", json={"action": "approve", "comment": "fine by me"}
        )
    )
    assert (eco["stage_name"], eco["state"]) == ("Engineering Review", "progress")
    decision = ok(eng.get(f"{ECO}/{eco['id']}/approvals"))["items"][0]
    assert (decision["decision"], decision["comment"]) == ("comment", "fine by me")
    assert events(eng, eco["id"])[-1]["event_type"] == "commented"
    assert move(eng, eco["id"], by["Ready to Apply"]["id"])["stage_name"] == "Ready to Apply"
