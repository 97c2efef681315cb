"""The target of an ECO under review is locked; every change of it is in the ECO history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.eco.conftest import ECO, Client, create_eco, error, events, item, move, ok, stages
from tests.eco.targets import BOM, ITEMS, build_assembly, line_of, open_target, target_lines
from tests.file.conftest import upload
from yuantus.bom import service as bom_service
from yuantus.core.db import Database
from yuantus.core.errors import Conflict
from yuantus.eco import service as eco_service
from yuantus.eco import stages as stage_service
from yuantus.eco.digest import target_digest
from yuantus.eco.models import EcoApproval
from yuantus.identity.models import User
from yuantus.item import service as item_service

Json = dict[str, Any]


@pytest.fixture
def assembly(database: Database, users: dict[str, User]) -> Json:
    """A released assembly GB-100 rev A with 8 gaskets; the gasket and a bolt, released."""
    return build_assembly(database, users["engineer"])


def test_an_eco_cannot_reach_review_without_a_target(
    as_user: Client, database: Database, assembly: Json
) -> None:
    """Reproduced on main: review with no target, approved, then 99 gaskets added and applied."""
    eng, approver = as_user("engineer"), as_user("approver")
    eco = create_eco(eng, assembly["product"])
    by = stages(eng)
    detail = error(
        eng.post(
            f"{ECO}/{eco['id']}/transitions",
            json={"action": "move", "stage_id": by["Engineering Review"]["id"]},
        ),
        409,
        "target_missing",
    )
    assert detail["context"] == {"eco_id": eco["id"]}
    stored = ok(eng.get(f"{ECO}/{eco['id']}"))
    assert (stored["stage_name"], stored["state"], stored["version"]) == ("New", "draft", 1)
    assert [e["event_type"] for e in events(eng, eco["id"])] == ["created"]
    # nothing to approve in New either
    error(
        approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}),
        409,
        "no_approvals_on_stage",
    )

    # the way through: target first, then review; adding the gaskets after approval is refused
    target = ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))["target_item_id"]
    move(eng, eco["id"], by["Engineering Review"]["id"])
    ok(approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}))
    more = {"child_id": assembly["bolt"]["id"], "quantity": 99}
    error(eng.post(f"{BOM}/{target}/children", json=more), 409, "target_locked")
    assert (
        ok(eng.post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}))["state"] == "done"
    )
    assert target_lines(eng, target) == [("GASKET-8", "8")]


def test_every_edit_of_a_locked_target_is_refused_and_allowed_again_after_moving_back(
    as_user: Client, database: Database, assembly: Json
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco_id, target = open_target(eng, assembly["product"])
    by = stages(eng)
    link = upload(eng, target, b"%PDF-1.4 rev B drawing", filename="gb-100.pdf")
    drawing = {"document_id": assembly["drawing"]["id"], "role": "drawing"}
    doc_link = ok(eng.post(f"{ITEMS}/{target}/documents", json=drawing), 201)
    line = line_of(database, target)
    eco = move(eng, eco_id, by["Engineering Review"]["id"])
    assert eco["target_locked"] is True
    assert eco["locked_since_visit"] == eco["stage_visit"] == 2

    gasket_cfg = assembly["gasket"]["config_id"]
    delta_op = {
        "op": "update",
        "line_key": gasket_cfg,
        "level": 1,
        "path": [gasket_cfg],
        "child_config_id": gasket_cfg,
        "changes": [{"field": "quantity", "before": 8, "after": 10}],
    }
    edits: dict[str, Callable[[], httpx.Response]] = {
        "bom add": lambda: eng.post(
            f"{BOM}/{target}/children", json={"child_id": assembly["bolt"]["id"], "quantity": 4}
        ),
        "bom update": lambda: eng.patch(f"{BOM}/lines/{line}", json={"quantity": 10}),
        "bom remove": lambda: eng.delete(f"{BOM}/lines/{line}"),
        "delta apply": lambda: eng.post(
            f"{BOM}/compare/delta/apply", json={"target_id": target, "operations": [delta_op]}
        ),
        "file link": lambda: eng.post(
            f"{ITEMS}/{target}/files",
            files={"file": ("extra.txt", b"spec", "text/plain")},
            data={"role": "attachment"},
        ),
        "file unlink": lambda: eng.delete(f"{ITEMS}/{target}/files/{link['id']}"),
        "document link": lambda: eng.post(
            f"{ITEMS}/{target}/documents",
            json={"document_id": assembly["drawing"]["id"], "role": "specification"},
        ),
        "document unlink": lambda: eng.delete(f"{ITEMS}/{target}/documents/{doc_link['id']}"),
        "patch": lambda: eng.patch(f"{ITEMS}/{target}", json={"name": "Gearbox, reinforced"}),
        "submit": lambda: eng.post(f"{ITEMS}/{target}/transitions", json={"action": "submit"}),
    }

    def refused_everywhere(stage: str) -> None:
        for name, edit in edits.items():
            detail = error(edit(), 409, "target_locked")
            assert detail["context"] == {
                "eco_id": eco_id,
                "eco_number": "ECO-00001",
                "stage": stage,
                "item_id": target,
            }, name
            assert "ECO-00001" in detail["message"], name

    refused_everywhere("Engineering Review")
    # after the approval (auto-progress to Ready to Apply) the target stays locked
    eco = ok(approver.post(f"{ECO}/{eco_id}/transitions", json={"action": "approve"}))
    assert (eco["stage_name"], eco["target_locked"]) == ("Ready to Apply", True)
    refused_everywhere("Ready to Apply")

    # nothing of it was written: same lines, same files, same name, still Draft
    assert target_lines(eng, target) == [("GASKET-8", "8")]
    files = ok(eng.get(f"{ITEMS}/{target}/files"))["items"]
    assert [f["id"] for f in files] == [link["id"]]
    assert ok(eng.get(f"{ITEMS}/{target}"))["name"] == "Gearbox"
    documents = ok(eng.get(f"{ITEMS}/{target}/documents"))["items"]
    assert [d["id"] for d in documents] == [doc_link["id"]]
    assert item(database, target) == ("Draft", False)
    # only the upload made before the review is in the history: refusals record nothing
    changed = [e for e in events(eng, eco_id) if e["event_type"] == "target_changed"]
    assert [(e["data"]["object_type"], e["data"]["action"]) for e in changed] == [
        ("item_file", "add"),
        ("document_link", "add"),
    ]

    # back to a stage without approvals: the target's content is editable again, by every
    # path; its lifecycle stays the ECO's (issue 20, finding 3)
    eco = move(eng, eco_id, by["New"]["id"])
    assert (eco["target_locked"], eco["locked_since_visit"]) == (False, None)
    assert ok(edits["bom update"]())["quantity"] == "10"
    ok(eng.patch(f"{BOM}/lines/{line}", json={"quantity": 8}))
    assert ok(edits["delta apply"]())["applied"]["update"] == 1
    ok(edits["bom add"](), 201)
    ok(edits["file link"](), 201)
    assert edits["file unlink"]().status_code == 204
    ok(edits["document link"](), 201)
    assert edits["document unlink"]().status_code == 204
    ok(edits["patch"]())
    assert edits["bom remove"]().status_code == 204
    detail = error(edits["submit"](), 409, "owned_by_eco")
    assert detail["context"] == {
        "eco_id": eco_id,
        "eco_number": "ECO-00001",
        "stage": "New",
        "item_id": target,
        "action": "submit",
    }
    assert item(database, target) == ("Draft", False)

    # the ECO's own apply submits and releases it
    move(eng, eco_id, by["Engineering Review"]["id"])
    ok(approver.post(f"{ECO}/{eco_id}/transitions", json={"action": "approve"}))
    assert ok(eng.post(f"{ECO}/{eco_id}/transitions", json={"action": "apply"}))["state"] == "done"
    assert item(database, target) == ("Released", True)
    assert target_lines(eng, target) == [("BOLT-M6", "4")]


def test_moving_forward_from_review_keeps_the_lock_and_back_into_review_keeps_it_too(
    as_user: Client, database: Database, assembly: Json
) -> None:
    admin, eng, approver = as_user("admin"), as_user("engineer"), as_user("approver")
    create_eco(eng, assembly["product"])
    by = stages(eng)
    # a second review after Ready to Apply-like preparation: New, Review, Prep, Sign-off, ...
    prep = ok(admin.post(f"{ECO}/stages", json={"name": "Prep", "sequence": 25}), 201)
    eco_id, target = open_target(eng, assembly["product"])
    line = line_of(database, target)
    move(eng, eco_id, by["Engineering Review"]["id"])
    eco = ok(approver.post(f"{ECO}/{eco_id}/transitions", json={"action": "approve"}))
    assert (eco["stage_name"], eco["target_locked"]) == ("Prep", True)
    error(eng.patch(f"{BOM}/lines/{line}", json={"quantity": 9}), 409, "target_locked")
    # moving back into the review stage keeps the lock; back before it releases it
    eco = move(eng, eco_id, by["Engineering Review"]["id"])
    assert (eco["target_locked"], eco["locked_since_visit"]) == (True, 2)
    eco = move(eng, eco_id, by["New"]["id"])
    assert eco["target_locked"] is False
    assert ok(eng.patch(f"{BOM}/lines/{line}", json={"quantity": 9}))["quantity"] == "9"
    assert prep["approval_type"] == "none"


def test_target_changes_are_in_the_eco_history_with_before_and_after(
    as_user: Client, users: dict[str, User], database: Database, assembly: Json
) -> None:
    eng = as_user("engineer")
    eco_id, target = open_target(eng, assembly["product"])
    line = line_of(database, target)
    before_events = len(events(eng, eco_id))

    ok(eng.patch(f"{BOM}/lines/{line}", json={"quantity": 10}))
    added = ok(
        eng.post(
            f"{BOM}/{target}/children",
            json={"child_id": assembly["bolt"]["id"], "quantity": 4, "refdes": "B2,B1"},
        ),
        201,
    )
    link = upload(eng, target, b"rev B drawing bytes", filename="gb-100.pdf")
    ok(eng.patch(f"{ITEMS}/{target}", json={"name": "Gearbox, reinforced"}))
    assert eng.delete(f"{ITEMS}/{target}/files/{link['id']}").status_code == 204
    assert eng.delete(f"{BOM}/lines/{added['line_id']}").status_code == 204
    drawing = {"document_id": assembly["drawing"]["id"], "role": "drawing"}
    doc_link = ok(eng.post(f"{ITEMS}/{target}/documents", json=drawing), 201)
    assert eng.delete(f"{ITEMS}/{target}/documents/{doc_link['id']}").status_code == 204
    # the lifecycle is the ECO's: a refused submit records nothing (issue 20, finding 3)
    submit = {"action": "submit"}
    error(eng.post(f"{ITEMS}/{target}/transitions", json=submit), 409, "owned_by_eco")
    # a no-op edit changes nothing and records nothing
    ok(eng.patch(f"{ITEMS}/{target}", json={"name": "Gearbox, reinforced"}))

    changed = events(eng, eco_id)[before_events:]
    assert all(e["event_type"] == "target_changed" for e in changed)
    assert all(e["user_id"] == users["engineer"].id for e in changed)
    assert all(e["data"]["item_id"] == target for e in changed)
    summary = [(e["data"]["object_type"], e["data"]["action"]) for e in changed]
    assert summary == [
        ("bom_line", "update"),
        ("bom_line", "add"),
        ("item_file", "add"),
        ("item", "update"),
        ("item_file", "remove"),
        ("bom_line", "remove"),
        ("document_link", "add"),
        ("document_link", "remove"),
    ]
    update, add, file_add, patch, file_remove, remove, doc_add, doc_remove = (
        e["data"] for e in changed
    )
    expected_link = {
        "id": doc_link["id"],
        "role": "drawing",
        "document_config_id": assembly["drawing"]["config_id"],
        "document_number": "DRW-100",
    }
    assert (doc_add["before"], doc_add["after"]) == (None, expected_link)
    assert (doc_remove["before"], doc_remove["after"]) == (expected_link, None)
    assert update["object_id"] == line
    assert (update["before"]["quantity"], update["after"]["quantity"]) == ("8", "10")
    assert update["before"]["child_config_id"] == assembly["gasket"]["config_id"]
    assert (add["before"], add["after"]["quantity"], add["after"]["refdes"]) == (
        None,
        "4",
        ["B1", "B2"],
    )
    assert file_add["after"]["filename"] == "gb-100.pdf"
    assert file_add["after"]["role"] == "printout"
    assert file_add["after"]["sha256"] == link["file"]["sha256"]
    assert (file_remove["before"]["id"], file_remove["after"]) == (link["id"], None)
    assert (patch["before"], patch["after"]) == (
        {"name": "Gearbox"},
        {"name": "Gearbox, reinforced"},
    )
    assert (remove["before"]["quantity"], remove["after"]) == ("4", None)
    # history is ordered and gap-free
    seqs = [e["seq"] for e in events(eng, eco_id)]
    assert seqs == list(range(1, len(seqs) + 1))


def test_edits_of_other_revisions_touch_no_eco(
    as_user: Client, database: Database, assembly: Json, users: dict[str, User]
) -> None:
    eng = as_user("engineer")
    eco_id, _target = open_target(eng, assembly["product"])
    by = stages(eng)
    move(eng, eco_id, by["Engineering Review"]["id"])
    with database.scope() as s:
        other = item_service.create(s, "Part", "Other", user=users["engineer"])
        other_id = other.id
    ok(eng.patch(f"{ITEMS}/{other_id}", json={"name": "Other, renamed"}))
    ok(
        eng.post(
            f"{BOM}/{other_id}/children", json={"child_id": assembly["bolt"]["id"], "quantity": 1}
        ),
        201,
    )
    assert "target_changed" not in [e["event_type"] for e in events(eng, eco_id)]


def test_service_callers_meet_the_same_lock(
    database: Database, users: dict[str, User], assembly: Json
) -> None:
    eng, approver = users["engineer"], users["approver"]
    with database.scope() as s:
        eco = eco_service.create_eco(
            s, name="service", eco_type="bom", product_id=assembly["product"], user=eng
        )
        eco = eco_service.action_new_revision(s, eco, eng)
        review = next(st for st in stage_service.ordered_stages(s) if st.takes_approvals)
        eco_service.move_to_stage(s, eco, review, eng)
        eco_id, target_id = eco.id, eco.target_item_id or ""
    calls: dict[str, Callable[[Session], object]] = {
        "update": lambda s: item_service.update(s, item_service.get(s, target_id), name="x"),
        "submit": lambda s: item_service.transition(
            s, item_service.get(s, target_id), "submit", eng
        ),
        "add": lambda s: bom_service.add_child(
            s, item_service.get(s, target_id), item_service.get(s, assembly["bolt"]["id"]), 1
        ),
    }
    for name, call in calls.items():
        with database.scope() as s, pytest.raises(Conflict) as refused:
            call(s)
        found = (refused.value.code, refused.value.context["eco_id"])
        assert found == ("target_locked", eco_id), name
    # a rejection signs the digest too
    with database.scope() as s:
        eco_service.reject(s, eco_service.get(s, eco_id), approver, "no")
    with database.scope() as s:
        (decision,) = s.scalars(select(EcoApproval)).all()
        assert decision.decision == "rejected"
        assert decision.content_digest == target_digest(s, item_service.get(s, target_id))
