"""Bad input: every refusal is a clear 4xx that writes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.eco.conftest import (
    ECO,
    Client,
    Json,
    create_eco,
    error,
    events,
    move,
    ok,
    release_item,
    stages,
)
from yuantus.core.db import Database
from yuantus.identity.models import User
from yuantus.item import service as item_service

MISSING = "00000000-0000-0000-0000-000000000000"


def snapshot(client: TestClient) -> tuple[Json, int]:
    """Every ECO with its history length: what a refused request must leave unchanged."""
    ecos = ok(client.get(ECO, params={"limit": 500}))
    return ecos, sum(len(events(client, e["id"])) for e in ecos["items"])


def test_unknown_eco_and_stage_answer_404(as_user: Client, product: str) -> None:
    eng = as_user("engineer")
    eco = create_eco(eng, product)
    review = stages(eng)["Engineering Review"]["id"]
    before = snapshot(eng)
    calls: list[Callable[[], object]] = [
        lambda: eng.get(f"{ECO}/{MISSING}"),
        lambda: eng.patch(f"{ECO}/{MISSING}", json={"name": "x"}),
        lambda: eng.post(f"{ECO}/{MISSING}/new-revision"),
        lambda: eng.post(
            f"{ECO}/{MISSING}/transitions", json={"action": "move", "stage_id": review}
        ),
        lambda: as_user("approver").post(
            f"{ECO}/{MISSING}/transitions", json={"action": "approve"}
        ),
        lambda: as_user("approver").post(f"{ECO}/{MISSING}/transitions", json={"action": "reject"}),
        lambda: eng.post(f"{ECO}/{MISSING}/transitions", json={"action": "apply"}),
        lambda: eng.post(f"{ECO}/{MISSING}/transitions", json={"action": "cancel"}),
        lambda: eng.get(f"{ECO}/{MISSING}/approvals"),
        lambda: eng.get(f"{ECO}/{MISSING}/events"),
        lambda: eng.get(f"{ECO}/{MISSING}/bom-changes"),
    ]
    for call in calls:
        error(call(), 404, "eco_not_found")
    error(
        eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "move", "stage_id": MISSING}),
        404,
        "eco_stage_not_found",
    )
    error(
        as_user("admin").patch(f"{ECO}/stages/{MISSING}", json={"fold": True}),
        404,
        "eco_stage_not_found",
    )
    error(eng.get(ECO, params={"stage_id": MISSING}), 404, "eco_stage_not_found")
    error(
        eng.post(ECO, json={"name": "x", "eco_type": "bom", "product_id": MISSING}),
        404,
        "item_not_found",
    )
    assert snapshot(eng) == before


def test_move_to_the_current_or_final_stage_or_of_a_closed_eco_is_refused(
    as_user: Client, product: str
) -> None:
    eng = as_user("engineer")
    eco = create_eco(eng, product)
    by = stages(eng)
    before = snapshot(eng)
    error(
        eng.post(
            f"{ECO}/{eco['id']}/transitions", json={"action": "move", "stage_id": by["New"]["id"]}
        ),
        409,
        "stage_unchanged",
    )
    error(
        eng.post(
            f"{ECO}/{eco['id']}/transitions", json={"action": "move", "stage_id": by["Done"]["id"]}
        ),
        409,
        "stage_final",
    )
    assert snapshot(eng) == before

    ok(eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "cancel"}))
    before = snapshot(eng)
    for stage in ("Engineering Review", "Ready to Apply"):
        detail = error(
            eng.post(
                f"{ECO}/{eco['id']}/transitions",
                json={"action": "move", "stage_id": by[stage]["id"]},
            ),
            409,
            "eco_closed",
        )
        assert detail["context"]["state"] == "canceled"
    for action in ("cancel", "apply"):
        error(eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": action}), 409)
    error(eng.post(f"{ECO}/{eco['id']}/new-revision"), 409)
    error(eng.patch(f"{ECO}/{eco['id']}", json={"name": "renamed"}), 409, "eco_closed")
    assert snapshot(eng) == before


def test_moving_forward_past_missing_approvals_is_refused(as_user: Client, product: str) -> None:
    eng = as_user("engineer")
    eco = create_eco(eng, product)
    by = stages(eng)
    ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))
    before = snapshot(eng)
    # skipping the review stage from New
    detail = error(
        eng.post(
            f"{ECO}/{eco['id']}/transitions",
            json={"action": "move", "stage_id": by["Ready to Apply"]["id"]},
        ),
        409,
        "approvals_missing",
    )
    assert "Engineering Review" in detail["context"]["missing"][0]
    move(eng, eco["id"], by["Engineering Review"]["id"])
    before = snapshot(eng)
    error(
        eng.post(
            f"{ECO}/{eco['id']}/transitions",
            json={"action": "move", "stage_id": by["Ready to Apply"]["id"]},
        ),
        409,
        "approvals_missing",
    )
    assert snapshot(eng) == before
    # moving back is always allowed
    assert move(eng, eco["id"], by["New"]["id"])["stage_name"] == "New"


def test_approval_needs_a_stage_role(as_user: Client, users: dict[str, User], product: str) -> None:
    eng = as_user("engineer")
    eco = create_eco(eng, product)
    by = stages(eng)
    error(
        as_user("approver").post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}),
        409,
        "no_approvals_on_stage",
    )
    ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))
    move(eng, eco["id"], by["Engineering Review"]["id"])
    before = snapshot(eng)
    for username in ("engineer", "viewer", "quality"):
        for action in ("approve", "reject"):
            detail = error(
                as_user(username).post(f"{ECO}/{eco['id']}/transitions", json={"action": action}),
                403,
                "role_required",
            )
            assert detail["context"]["required_roles"] == ["approver", "admin"]
            assert "approver" in detail["message"]
    assert snapshot(eng) == before
    assert ok(eng.get(f"{ECO}/{eco['id']}/approvals"))["total"] == 0
    # admin may sign any stage
    assert (
        ok(as_user("admin").post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}))[
            "stage_name"
        ]
        == "Ready to Apply"
    )


def test_double_decision_by_one_user_is_refused(as_user: Client, product: str) -> None:
    admin, eng = as_user("admin"), as_user("engineer")
    create_eco(eng, product)
    review = stages(eng)["Engineering Review"]
    ok(admin.patch(f"{ECO}/stages/{review['id']}", json={"min_approvals": 2}))
    eco = create_eco(eng, product)
    ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))
    move(eng, eco["id"], review["id"])
    approver = as_user("approver")
    ok(approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}))
    before = snapshot(eng)
    error(
        approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}),
        409,
        "already_decided",
    )
    error(
        approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "reject"}),
        409,
        "already_decided",
    )
    assert snapshot(eng) == before
    assert ok(eng.get(f"{ECO}/{eco['id']}/approvals"))["total"] == 1


def test_apply_before_approval_names_what_is_missing(
    as_user: Client, database: Database, product: str
) -> None:
    eng = as_user("engineer")
    eco = create_eco(eng, product)
    by = stages(eng)
    before = snapshot(eng)
    detail = error(
        eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}), 409, "eco_not_ready"
    )
    missing = " | ".join(detail["context"]["missing"])
    assert "target revision" in missing
    assert "allows apply" in missing
    assert snapshot(eng) == before

    ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))
    move(eng, eco["id"], by["Engineering Review"]["id"])
    before = snapshot(eng)
    detail = error(
        eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}), 409, "eco_not_ready"
    )
    assert any(
        "1 more approval(s) from one of the roles: approver" in m
        for m in detail["context"]["missing"]
    )
    assert snapshot(eng) == before
    with database.scope() as s:
        assert item_service.get(s, product).state == "Released"


def test_bom_eco_on_a_document_is_unprocessable(
    as_user: Client, database: Database, users: dict[str, User], product: str
) -> None:
    eng = as_user("engineer")
    doc = release_item(database, users["engineer"], "Manual", item_type="Document")
    before = snapshot(eng)
    detail = error(
        eng.post(ECO, json={"name": "x", "eco_type": "bom", "product_id": doc}),
        422,
        "eco_type_mismatch",
    )
    assert detail["context"] == {"eco_type": "bom", "item_type": "Document"}
    error(
        eng.post(ECO, json={"name": "x", "eco_type": "document", "product_id": product}),
        422,
        "eco_type_mismatch",
    )
    assert snapshot(eng) == before
    assert create_eco(eng, doc, eco_type="document")["number"] == "ECO-00001"
    eco = create_eco(eng, product, eco_type="product")
    error(eng.patch(f"{ECO}/{eco['id']}", json={"eco_type": "document"}), 422, "eco_type_mismatch")


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "eco_type": "gadget"},
        {"name": "", "eco_type": "bom"},
        {"name": "x", "eco_type": "bom", "priority": "asap"},
        {"name": "x", "eco_type": "bom", "effectivity_date": "soon"},
        {"name": "x", "eco_type": "bom", "colour": "red"},
        {"eco_type": "bom"},
    ],
)
def test_malformed_create_is_422_and_writes_nothing(
    as_user: Client, product: str, body: Json
) -> None:
    eng = as_user("engineer")
    error(eng.post(ECO, json={"product_id": product, **body}), 422)
    assert ok(eng.get(ECO))["total"] == 0


def test_eco_on_an_unreleased_revision_is_refused(
    as_user: Client, database: Database, users: dict[str, User]
) -> None:
    eng = as_user("engineer")
    with database.scope() as s:
        draft = item_service.create(s, "Part", "Sketch", user=users["engineer"]).id
    error(
        eng.post(ECO, json={"name": "x", "eco_type": "bom", "product_id": draft}),
        409,
        "product_not_released",
    )
    assert ok(eng.get(ECO))["total"] == 0


def test_roles_guard_the_flow(as_user: Client, product: str) -> None:
    eng = as_user("engineer")
    eco = create_eco(eng, product)
    by = stages(eng)
    for username in ("viewer", "approver", "production"):
        client = as_user(username)
        error(
            client.post(ECO, json={"name": "x", "eco_type": "bom", "product_id": product}),
            403,
            "role_required",
        )
        error(client.patch(f"{ECO}/{eco['id']}", json={"name": "x"}), 403)
        error(client.post(f"{ECO}/{eco['id']}/new-revision"), 403)
        error(
            client.post(
                f"{ECO}/{eco['id']}/transitions",
                json={"action": "move", "stage_id": by["Engineering Review"]["id"]},
            ),
            403,
        )
        error(client.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}), 403)
        error(client.post(f"{ECO}/{eco['id']}/transitions", json={"action": "cancel"}), 403)
        ok(client.get(f"{ECO}/{eco['id']}"))
    assert (
        ok(as_user("admin").patch(f"{ECO}/{eco['id']}", json={"name": "admin edit"}))["name"]
        == "admin edit"
    )


def test_second_new_revision_is_refused(as_user: Client, product: str) -> None:
    eng = as_user("engineer")
    eco = create_eco(eng, product)
    target = ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))["target_item_id"]
    detail = error(eng.post(f"{ECO}/{eco['id']}/new-revision"), 409, "target_exists")
    assert detail["context"]["target_item_id"] == target
    # another ECO cannot open a second draft of the same product meanwhile
    other = create_eco(eng, product)
    error(eng.post(f"{ECO}/{other['id']}/new-revision"), 409, "revision_in_progress")
    assert ok(eng.get(f"{ECO}/{other['id']}"))["state"] == "draft"


def test_patch_edits_and_records_the_change(as_user: Client, product: str) -> None:
    eng = as_user("engineer")
    eco = create_eco(eng, product)
    eco = ok(
        eng.patch(
            f"{ECO}/{eco['id']}", json={"priority": "urgent", "description": "now", "version": 1}
        )
    )
    assert (eco["priority"], eco["description"], eco["version"]) == ("urgent", "now", 2)
    last = events(eng, eco["id"])[-1]
    assert last["event_type"] == "updated"
    assert last["data"]["changes"]["priority"] == ["normal", "urgent"]
    detail = error(
        eng.patch(f"{ECO}/{eco['id']}", json={"name": "stale", "version": 1}), 409, "eco_modified"
    )
    assert (detail["context"]["expected_version"], detail["context"]["current_version"]) == (1, 2)
    assert ok(eng.get(f"{ECO}/{eco['id']}"))["name"] == "Stronger housing"


def test_list_filters(
    as_user: Client, database: Database, users: dict[str, User], product: str
) -> None:
    eng = as_user("engineer")
    other = release_item(database, users["engineer"], "Pump")
    a = create_eco(eng, product, priority="high")
    b = create_eco(eng, other, priority="low")
    ok(eng.post(f"{ECO}/{b['id']}/new-revision"))
    review = stages(eng)["Engineering Review"]["id"]
    move(eng, b["id"], review)

    def ids(**params: object) -> list[str]:
        return [e["id"] for e in ok(eng.get(ECO, params=params))["items"]]

    assert ids() == [b["id"], a["id"]]
    assert ids(priority="high") == [a["id"]]
    assert ids(state="progress") == [b["id"]]
    assert ids(stage_id=review) == [b["id"]]
    assert ids(product_id=product) == [a["id"]]
    assert ids(limit=1, offset=1) == [a["id"]]
    error(eng.get(ECO, params={"state": "weird"}), 422)
    error(eng.get(ECO, params={"limit": 501}), 422)


def test_stage_management_is_admin_only_and_validated(as_user: Client, product: str) -> None:
    admin, eng = as_user("admin"), as_user("engineer")
    create_eco(eng, product)
    body = {
        "name": "Quality Check",
        "sequence": 25,
        "approval_type": "mandatory",
        "approval_roles": ["quality"],
        "min_approvals": 1,
    }
    error(eng.post(f"{ECO}/stages", json=body), 403, "role_required")
    stage = ok(admin.post(f"{ECO}/stages", json=body), 201)
    names = [s["name"] for s in ok(eng.get(f"{ECO}/stages"))["items"]]
    assert names == ["New", "Engineering Review", "Quality Check", "Ready to Apply", "Done"]
    error(admin.post(f"{ECO}/stages", json=body), 409, "eco_stage_name_taken")
    error(
        admin.patch(f"{ECO}/stages/{stage['id']}", json={"name": "New"}),
        409,
        "eco_stage_name_taken",
    )
    bad = [
        {**body, "name": "A", "approval_roles": []},
        {**body, "name": "B", "min_approvals": 0},
        {"name": "C", "sequence": 1, "min_approvals": 2},
        {"name": "D", "sequence": 1, "is_final": True, "approval_type": "optional"},
    ]
    for case in bad:
        error(admin.post(f"{ECO}/stages", json=case), 422, "invalid_stage")
    error(admin.post(f"{ECO}/stages", json={**body, "name": "E", "approval_roles": ["boss"]}), 422)
    error(
        admin.patch(f"{ECO}/stages/{stage['id']}", json={"approval_type": "none"}),
        422,
        "invalid_stage",
    )
    error(eng.patch(f"{ECO}/stages/{stage['id']}", json={"fold": True}), 403)
    assert ok(eng.get(f"{ECO}/stages"))["total"] == 5
    changed = ok(
        admin.patch(
            f"{ECO}/stages/{stage['id']}", json={"approval_type": "none", "min_approvals": 0}
        )
    )
    assert changed["approval_type"] == "none"


def test_stage_patch_with_null_roles_is_422_and_changes_nothing(
    as_user: Client, product: str
) -> None:
    """Found by schemathesis: approval_roles=null used to be stored and then crash the read."""
    admin = as_user("admin")
    create_eco(as_user("engineer"), product)  # puts the default stages in place
    review = stages(admin)["Engineering Review"]
    r = admin.patch(f"{ECO}/stages/{review['id']}", json={"approval_roles": None})
    assert r.status_code == 422
    assert stages(admin)["Engineering Review"]["approval_roles"] == review["approval_roles"]
    cleared = admin.patch(f"{ECO}/stages/{review['id']}", json={"description": None})
    assert cleared.status_code == 200
    assert cleared.json()["description"] is None
