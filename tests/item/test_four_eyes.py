"""Four eyes over HTTP: a direct release needs an approver who did not submit the revision."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import bearer, make_settings
from tests.item.conftest import Client, Json, create_item, lifecycle
from yuantus.app import create_app
from yuantus.core.db import Database
from yuantus.core.errors import InvalidState
from yuantus.identity import service as identity_service
from yuantus.identity.models import User
from yuantus.item import service as item_service

ITEMS = "/api/v1/items"


def _refused(client: TestClient, item_id: str) -> Json:
    response = client.post(f"{ITEMS}/{item_id}/transitions", json={"action": "release"})
    assert response.status_code == 409, response.text
    detail: Json = response.json()["detail"]
    assert detail["code"] == "four_eyes_required"
    return detail


@pytest.fixture
def lead(database: Database) -> User:
    """A user holding both engineer and approver."""
    with database.scope() as s:
        return identity_service.create_user(
            s, "lead", "lead-demo-pw", roles=["engineer", "approver"]
        )


def test_an_engineer_without_the_approver_role_cannot_release(
    as_user: Client, users: dict[str, User]
) -> None:
    eng = as_user("engineer")
    item = create_item(eng, item_number="FE-1")
    submitted = lifecycle(eng, item["id"], "submit")
    assert (submitted["submitted_by"], submitted["submitted_by_name"]) == (
        users["engineer"].id,
        "engineer",
    )
    assert _refused(eng, item["id"])["context"]["reason"] == "approver_role_required"
    assert eng.get(f"{ITEMS}/{item['id']}").json()["state"] == "InReview"

    released = lifecycle(as_user("approver"), item["id"], "release")
    assert released["state"] == "Released"
    assert (released["submitted_by"], released["submitted_by_name"]) == (
        users["engineer"].id,
        "engineer",
    )
    assert (released["released_by"], released["released_by_name"]) == (
        users["approver"].id,
        "approver",
    )
    listed = eng.get(ITEMS, params={"q": "FE-1"}).json()["items"][0]
    assert (listed["submitted_by_name"], listed["released_by_name"]) == ("engineer", "approver")


def test_the_submitter_cannot_release_even_holding_both_roles(
    as_user: Client, app: object, lead: User
) -> None:
    with TestClient(app, headers=bearer(lead)) as lead_client:  # type: ignore[arg-type]
        item = create_item(lead_client, item_number="FE-2")
        lifecycle(lead_client, item["id"], "submit")
        detail = _refused(lead_client, item["id"])
        assert detail["context"]["reason"] == "submitter_cannot_release"
        assert detail["context"]["submitted_by"] == lead.id

        # a reject clears the submitter; the lead may release what another user submitted
        rejected = lifecycle(lead_client, item["id"], "reject")
        assert (rejected["state"], rejected["submitted_by"]) == ("Draft", None)
        lifecycle(as_user("engineer"), item["id"], "submit")
        released = lifecycle(lead_client, item["id"], "release")
        assert (released["submitted_by_name"], released["released_by_name"]) == (
            "engineer",
            "lead",
        )


@pytest.fixture
def relaxed(
    database: Database, backend_url: str, tmp_path: Path, users: dict[str, User]
) -> Iterator[TestClient]:
    """The engineer's client on an app run with YUANTUS_RELEASE_FOUR_EYES=false."""
    settings = make_settings(tmp_path / "relaxed", backend_url, release_four_eyes=False)
    app = create_app(settings, database=database)
    with TestClient(app, headers=bearer(users["engineer"])) as client:
        yield client


def test_with_four_eyes_off_the_engineer_releases_alone_and_children_still_count(
    relaxed: TestClient, users: dict[str, User]
) -> None:
    asm, child = create_item(relaxed, item_number="R-ASM"), create_item(relaxed, item_number="R-1")
    body = {"child_id": child["id"], "quantity": 2}
    assert relaxed.post(f"/api/v1/bom/{asm['id']}/children", json=body).status_code == 201
    lifecycle(relaxed, asm["id"], "submit")
    refused = relaxed.post(f"{ITEMS}/{asm['id']}/transitions", json={"action": "release"})
    assert refused.status_code == 409
    assert refused.json()["detail"]["code"] == "children_not_released"

    lifecycle(relaxed, child["id"], "submit")
    assert lifecycle(relaxed, child["id"], "release")["state"] == "Released"
    released = lifecycle(relaxed, asm["id"], "release")
    assert released["state"] == "Released"
    assert released["submitted_by"] == released["released_by"] == users["engineer"].id


def test_a_service_release_without_a_user_is_refused_unless_four_eyes_is_off(
    session: Session, users: dict[str, User]
) -> None:
    engineer = session.get(User, users["engineer"].id)
    item = item_service.create(session, "Part", "Shim", item_number="FE-9", user=engineer)
    item_service.transition(session, item, "submit", engineer)
    with pytest.raises(InvalidState) as refused:
        item_service.transition(session, item, "release", None)
    assert (refused.value.code, refused.value.context["reason"]) == (
        "four_eyes_required",
        "releasing_user_unknown",
    )
    released = item_service.transition(session, item, "release", None, four_eyes=False)
    assert (released.state, released.released_by) == ("Released", None)
