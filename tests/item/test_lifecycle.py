"""Lifecycle over HTTP: transitions, roles, release superseding, revise."""

from __future__ import annotations

from collections.abc import Callable

from tests.helpers import race
from tests.item.conftest import Client, Json, create_item, lifecycle

ITEMS = "/api/v1/items"


def test_full_lifecycle_submit_reject_release_obsolete(as_user: Client) -> None:
    eng = as_user("engineer")
    item = create_item(eng)
    assert lifecycle(eng, item["id"], "submit")["state"] == "InReview"
    assert lifecycle(eng, item["id"], "reject")["state"] == "Draft"
    lifecycle(eng, item["id"], "submit")
    released = lifecycle(as_user("approver"), item["id"], "release")
    assert released["state"] == "Released"
    assert released["is_current"] is True
    assert released["released_at"] is not None
    # an immediate release takes effect when it is released
    assert released["effective_from"] == released["released_at"]
    assert lifecycle(eng, item["id"], "obsolete")["state"] == "Obsolete"


def test_invalid_transition_names_the_allowed_ones_and_changes_nothing(as_user: Client) -> None:
    eng = as_user("engineer")
    item = create_item(eng)
    response = eng.post(f"{ITEMS}/{item['id']}/transitions", json={"action": "release"})
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert detail["code"] == "invalid_transition"
    assert detail["context"]["allowed"] == ["submit"]
    assert detail["context"]["state"] == "Draft"
    assert "submit" in detail["message"]
    assert eng.get(f"{ITEMS}/{item['id']}").json()["state"] == "Draft"

    unknown = eng.post(f"{ITEMS}/{item['id']}/transitions", json={"action": "explode"})
    assert unknown.status_code == 422
    assert unknown.json()["detail"]["code"] == "unknown_action"
    assert unknown.json()["detail"]["context"]["allowed"] == [
        "obsolete",
        "reject",
        "release",
        "submit",
    ]
    assert eng.post(f"{ITEMS}/{item['id']}/transitions", json={}).status_code == 422


def test_transition_roles_are_enforced(as_user: Client) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    item = create_item(eng)
    # the approver may release and reject but not submit; others may not transition at all
    response = approver.post(f"{ITEMS}/{item['id']}/transitions", json={"action": "submit"})
    assert response.status_code == 403
    assert response.json()["detail"]["context"]["required_roles"] == ["engineer", "admin"]
    response = as_user("viewer").post(
        f"{ITEMS}/{item['id']}/transitions", json={"action": "submit"}
    )
    assert response.status_code == 403
    assert eng.get(f"{ITEMS}/{item['id']}").json()["state"] == "Draft"
    lifecycle(eng, item["id"], "submit")
    lifecycle(approver, item["id"], "release")
    response = approver.post(f"{ITEMS}/{item['id']}/transitions", json={"action": "obsolete"})
    assert response.status_code == 403
    assert lifecycle(as_user("admin"), item["id"], "obsolete")["state"] == "Obsolete"


def test_release_supersedes_the_previous_revision(
    as_user: Client, released: Callable[..., Json]
) -> None:
    eng = as_user("engineer")
    rev_a = released(name="Housing", properties={"color": "grey"})
    rev_b = eng.post(f"{ITEMS}/{rev_a['id']}/revise").json()
    assert eng.get(f"{ITEMS}/{rev_a['id']}").json()["is_current"] is True
    lifecycle(eng, rev_b["id"], "submit")
    after = lifecycle(as_user("approver"), rev_b["id"], "release")
    assert (after["state"], after["is_current"]) == ("Released", True)
    old = eng.get(f"{ITEMS}/{rev_a['id']}").json()
    assert (old["state"], old["is_current"]) == ("Superseded", False)
    assert old["superseded_at"] is not None
    assert old["superseded_at"] == after["released_at"] == after["effective_from"]
    assert old["effective_from"] == rev_a["effective_from"] == rev_a["released_at"]
    response = eng.post(f"{ITEMS}/{rev_a['id']}/transitions", json={"action": "obsolete"})
    assert response.status_code == 409
    assert response.json()["detail"]["context"]["allowed"] == []


def test_revise_copies_content_into_a_draft_and_only_once(
    as_user: Client, released: Callable[..., Json]
) -> None:
    eng = as_user("engineer")
    rev_a = released(name="Cover", description="cast", properties={"finish": "anodized"})
    response = eng.post(f"{ITEMS}/{rev_a['id']}/revise")
    assert response.status_code == 201
    rev_b = response.json()
    assert (rev_b["revision"], rev_b["generation"], rev_b["state"]) == ("B", 2, "Draft")
    assert rev_b["is_current"] is False
    assert rev_b["config_id"] == rev_a["config_id"]
    assert rev_b["item_number"] == rev_a["item_number"]
    assert (rev_b["name"], rev_b["description"], rev_b["properties"]) == (
        "Cover",
        "cast",
        {"finish": "anodized"},
    )
    again = eng.post(f"{ITEMS}/{rev_a['id']}/revise")
    assert again.status_code == 409
    assert again.json()["detail"]["code"] == "revision_in_progress"
    # the draft is editable and its edits do not touch the released revision
    eng.patch(f"{ITEMS}/{rev_b['id']}", json={"properties": {"finish": "painted"}})
    assert eng.get(f"{ITEMS}/{rev_a['id']}").json()["properties"] == {"finish": "anodized"}
    assert eng.get(f"{ITEMS}/{rev_a['id']}/revisions").json()["total"] == 2


def test_only_the_current_released_revision_can_be_revised(
    as_user: Client, released: Callable[..., Json]
) -> None:
    eng = as_user("engineer")
    draft = create_item(eng)
    response = eng.post(f"{ITEMS}/{draft['id']}/revise")
    assert response.status_code == 409
    assert response.json()["detail"]["code"] == "not_revisable"
    rev_a = released()
    rev_b = eng.post(f"{ITEMS}/{rev_a['id']}/revise").json()
    lifecycle(eng, rev_b["id"], "submit")
    lifecycle(as_user("approver"), rev_b["id"], "release")
    assert eng.post(f"{ITEMS}/{rev_a['id']}/revise").json()["detail"]["code"] == "not_revisable"
    rev_c = eng.post(f"{ITEMS}/{rev_b['id']}/revise").json()
    assert rev_c["revision"] == "C"
    assert as_user("viewer").post(f"{ITEMS}/{rev_b['id']}/revise").status_code == 403


def test_racing_revise_requests_open_exactly_one_draft(
    as_user: Client, released: Callable[..., Json]
) -> None:
    eng = as_user("engineer")
    rev_a = released(item_number="RACE-1")

    def attempt() -> tuple[int, str]:
        response = eng.post(f"{ITEMS}/{rev_a['id']}/revise")
        body = response.json()
        return response.status_code, body.get("revision") or body["detail"]["code"]

    answers = race(attempt, attempt)
    assert sorted(answers) == [(201, "B"), (409, "revision_in_progress")]
    revisions = eng.get(f"{ITEMS}/{rev_a['id']}/revisions").json()["items"]
    assert [(r["revision"], r["state"]) for r in revisions] == [("A", "Released"), ("B", "Draft")]
