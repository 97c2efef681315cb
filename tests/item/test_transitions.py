"""GET/POST /items/{id}/transitions: the actions differ by caller, four eyes, frozen states."""

from __future__ import annotations

from typing import Any

from tests.item.conftest import Client, create_item, lifecycle

ITEMS = "/api/v1/items"


def options(client: Any, item_id: str) -> tuple[str, list[tuple[str, str | None]]]:
    """The state and (action, to_state) pairs the caller is offered."""
    response = client.get(f"{ITEMS}/{item_id}/transitions")
    assert response.status_code == 200, response.text
    body = response.json()
    return body["state"], [(a["action"], a["to_state"]) for a in body["actions"]]


def test_the_actions_offered_depend_on_the_caller(as_user: Client) -> None:
    eng, approver, viewer = as_user("engineer"), as_user("approver"), as_user("viewer")
    item = create_item(eng)
    assert options(eng, item["id"]) == ("Draft", [("submit", "InReview")])
    assert options(approver, item["id"]) == ("Draft", [])
    lifecycle(eng, item["id"], "submit")
    # the engineer lacks the approver role a direct release needs under four eyes
    assert options(eng, item["id"]) == ("InReview", [("reject", "Draft")])
    assert options(approver, item["id"]) == (
        "InReview",
        [("reject", "Draft"), ("release", "Released")],
    )
    assert options(viewer, item["id"]) == ("InReview", [])
    body = approver.get(f"{ITEMS}/{item['id']}/transitions").json()
    assert body["actions"][1] == {
        "action": "release",
        "to_state": "Released",
        "roles": ["engineer", "approver"],
    }


def test_the_submitter_is_not_offered_the_release(as_user: Client) -> None:
    admin = as_user("admin")
    item = create_item(admin)
    lifecycle(admin, item["id"], "submit")
    # admin holds every role, yet four eyes keeps the submitter from releasing
    assert options(admin, item["id"]) == ("InReview", [("reject", "Draft")])
    refused = admin.post(f"{ITEMS}/{item['id']}/transitions", json={"action": "release"})
    assert refused.status_code == 409
    assert refused.json()["detail"]["code"] == "four_eyes_required"
    assert options(as_user("approver"), item["id"])[1][-1] == ("release", "Released")


def test_frozen_revisions_offer_only_what_their_state_allows(as_user: Client) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    item = create_item(eng)
    lifecycle(eng, item["id"], "submit")
    lifecycle(approver, item["id"], "release")
    assert options(eng, item["id"]) == ("Released", [("obsolete", "Obsolete")])
    assert options(approver, item["id"]) == ("Released", [])
    lifecycle(eng, item["id"], "obsolete")
    assert options(as_user("admin"), item["id"]) == ("Obsolete", [])
    refused = eng.post(f"{ITEMS}/{item['id']}/transitions", json={"action": "submit"})
    assert refused.status_code == 409
    assert refused.json()["detail"]["context"] == {
        "state": "Obsolete",
        "action": "submit",
        "allowed": [],
    }


def test_an_unknown_action_is_refused_naming_the_actions_and_writes_nothing(
    as_user: Client,
) -> None:
    eng = as_user("engineer")
    item = create_item(eng)
    history = eng.get(f"{ITEMS}/{item['id']}/history").json()
    refused = eng.post(f"{ITEMS}/{item['id']}/transitions", json={"action": "explode"})
    assert refused.status_code == 422
    assert refused.json()["detail"] == {
        "code": "unknown_action",
        "message": (
            "an item has no action 'explode'; its actions: obsolete, reject, release, submit"
        ),
        "context": {"action": "explode", "allowed": ["obsolete", "reject", "release", "submit"]},
    }
    assert eng.get(f"{ITEMS}/{item['id']}").json() == item
    assert eng.get(f"{ITEMS}/{item['id']}/history").json() == history
    # the old shape is gone: an unknown field is refused, the old path is not there
    bad = eng.post(f"{ITEMS}/{item['id']}/transitions", json={"transition": "submit"})
    assert bad.status_code == 422
    gone = eng.post(f"{ITEMS}/{item['id']}/lifecycle", json={"action": "submit"})
    assert gone.status_code in (404, 405)


def test_the_comment_is_kept_in_the_history(as_user: Client) -> None:
    eng = as_user("engineer")
    item = create_item(eng)
    body = {"action": "submit", "comment": "ready for review"}
    answer = eng.post(f"{ITEMS}/{item['id']}/transitions", json=body)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["state"], answer.json()["warnings"]) == ("InReview", [])
    newest = eng.get(f"{ITEMS}/{item['id']}/history").json()["items"][0]
    assert newest["after"]["comment"] == "ready for review"
    assert newest["after"]["state"] == "InReview"
