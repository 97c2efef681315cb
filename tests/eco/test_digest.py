"""Approvals sign a digest of the target's content; apply refuses content nobody approved."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from sqlalchemy import text

from tests.eco.conftest import ECO, Client, create_eco, error, events, item, move, ok, stages
from tests.eco.targets import BOM, ITEMS, build_assembly, line_of, open_target, target_lines
from tests.file.conftest import upload
from tests.helpers import race
from yuantus.bom.snapshot import quantity_text, revision_lines
from yuantus.core.db import Database
from yuantus.eco.digest import target_digest
from yuantus.identity.models import User
from yuantus.item import service as item_service

Json = dict[str, Any]


@pytest.fixture
def assembly(database: Database, users: dict[str, User]) -> Json:
    """A released assembly GB-100 rev A with 8 gaskets; the gasket and a bolt, released."""
    return build_assembly(database, users["engineer"])


@pytest.mark.parametrize(
    ("value", "text_"),
    [
        (8, "8"),
        (8.0, "8"),
        (Decimal("8.000"), "8"),
        (0.1, "0.1"),
        (2.5e-7, "0.00000025"),
        (1e3, "1000"),
        (Decimal("12.50"), "12.5"),
    ],
)
def test_quantities_hash_as_normalized_decimal_text(value: object, text_: str) -> None:
    assert quantity_text(value) == text_


def _sha(content: Json) -> str:
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


def test_the_digest_is_the_sha256_of_the_canonical_content(
    as_user: Client, database: Database, assembly: Json, users: dict[str, User]
) -> None:
    eng = as_user("engineer")
    _eco_id, target = open_target(eng, assembly["product"])
    drawing = b"%PDF-1.4 GB-100 rev B"
    upload(eng, target, drawing, filename="gb-100.pdf", role="printout")
    ok(
        eng.post(
            f"{BOM}/{target}/children",
            json={"child_id": assembly["bolt"]["id"], "quantity": 4.0, "refdes": "B2 B1"},
        ),
        201,
    )
    drawing_ref = {"document_config_id": assembly["drawing"]["config_id"], "role": "drawing"}
    ok(eng.post(f"{ITEMS}/{target}/documents", json=drawing_ref), 201)
    gasket, bolt = assembly["gasket"]["config_id"], assembly["bolt"]["config_id"]
    lines: list[Json] = [
        {
            "child_config_id": cfg,
            "child_item_number": number,
            "quantity": qty,
            "uom": "EA",
            "find_num": find,
            "refdes": refdes,
            "notes": None,
            "properties": {},
        }
        for cfg, number, qty, find, refdes in [
            (gasket, "GASKET-8", "8", "10", []),
            (bolt, "BOLT-M6", "4", None, ["B1", "B2"]),
        ]
    ]
    # the lines are sorted by their own canonical JSON, which starts at child_config_id
    lines.sort(key=lambda line: json.dumps(line, sort_keys=True))
    expected = {
        "version": 1,
        "item": {
            "item_type": "Part",
            "item_number": "GB-100",
            "revision": "B",
            "name": "Gearbox",
            "description": None,
            "properties": {},
        },
        "bom_lines": lines,
        "files": [
            {
                "role": "printout",
                "sha256": hashlib.sha256(drawing).hexdigest(),
                "filename": "gb-100.pdf",
            }
        ],
        "documents": [
            {
                "role": "drawing",
                "document_config_id": assembly["drawing"]["config_id"],
                "document_number": "DRW-100",
            }
        ],
    }
    with database.scope() as s:
        digest = target_digest(s, item_service.get(s, target))
    assert digest == _sha(expected)

    with database.scope() as s:
        # the order lines are stored or listed in does not matter
        for line in revision_lines(s, target):
            line.sequence = 1000 - line.sequence
        s.flush()
        assert target_digest(s, item_service.get(s, target)) == digest
    # other bytes under the same file name are other content
    link = ok(eng.get(f"{ITEMS}/{target}/files"))["items"][0]
    assert eng.delete(f"{ITEMS}/{target}/files/{link['id']}").status_code == 204
    upload(eng, target, drawing + b" corrected", filename="gb-100.pdf", role="printout")
    with database.scope() as s:
        assert target_digest(s, item_service.get(s, target)) != digest


def test_content_changed_after_approval_is_refused_at_apply(
    as_user: Client, database: Database, assembly: Json
) -> None:
    """Reproduced on main: a target line went from 8 to 10 after approval and was applied."""
    eng, approver = as_user("engineer"), as_user("approver")
    eco_id, target = open_target(eng, assembly["product"])
    by = stages(eng)
    line = line_of(database, target)
    move(eng, eco_id, by["Engineering Review"]["id"])
    eco = ok(approver.post(f"{ECO}/{eco_id}/transitions", json={"action": "approve"}))
    assert eco["stage_name"] == "Ready to Apply"
    (approval,) = ok(eng.get(f"{ECO}/{eco_id}/approvals"))["items"]
    with database.scope() as s:
        assert approval["content_digest"] == target_digest(s, item_service.get(s, target))

    # (1) every HTTP path to the line is locked
    error(eng.patch(f"{BOM}/lines/{line}", json={"quantity": 10}), 409, "target_locked")
    # (2) a change by a path without the guard (here: plain SQL) is caught at apply
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE meta_bom_lines SET quantity = 10 WHERE id = :id"), {"id": line})
    with database.scope() as s:
        changed = target_digest(s, item_service.get(s, target))
    history = events(eng, eco_id)
    detail = error(
        eng.post(f"{ECO}/{eco_id}/transitions", json={"action": "apply"}),
        409,
        "approved_content_changed",
    )
    ctx = detail["context"]
    assert ctx["approved_digest"] == approval["content_digest"]
    assert ctx["approved_digests"] == [approval["content_digest"]]
    assert ctx["current_digest"] == changed != approval["content_digest"]
    assert [a["approval_id"] for a in ctx["approvals"]] == [approval["id"]]
    assert (ctx["eco_id"], ctx["target_item_id"]) == (eco_id, target)

    # nothing was applied
    stored = ok(eng.get(f"{ECO}/{eco_id}"))
    assert (stored["state"], stored["stage_name"], stored["applied_at"]) == (
        "progress",
        "Ready to Apply",
        None,
    )
    assert item(database, target) == ("Draft", False)
    assert item(database, assembly["product"]) == ("Released", True)
    assert events(eng, eco_id) == history

    # the way out: back to New (unlocked), review again, and the new content is applied
    move(eng, eco_id, by["New"]["id"])
    move(eng, eco_id, by["Engineering Review"]["id"])
    ok(approver.post(f"{ECO}/{eco_id}/transitions", json={"action": "approve"}))
    signed = ok(eng.get(f"{ECO}/{eco_id}/approvals"))["items"][-1]["content_digest"]
    assert signed == changed
    assert ok(eng.post(f"{ECO}/{eco_id}/transitions", json={"action": "apply"}))["state"] == "done"
    assert target_lines(eng, target) == [("GASKET-8", "10")]


def test_approvals_that_signed_different_content_do_not_apply(
    as_user: Client, database: Database, assembly: Json
) -> None:
    admin, eng = as_user("admin"), as_user("engineer")
    approver, quality = as_user("approver"), as_user("quality")
    create_eco(eng, assembly["product"])
    by = stages(eng)
    review = by["Engineering Review"]
    ok(
        admin.patch(
            f"{ECO}/stages/{review['id']}",
            json={"approval_roles": ["approver", "quality"], "min_approvals": 2},
        )
    )
    eco_id, target = open_target(eng, assembly["product"])
    line = line_of(database, target)
    move(eng, eco_id, review["id"])
    ok(approver.post(f"{ECO}/{eco_id}/transitions", json={"action": "approve"}))
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE meta_bom_lines SET quantity = 12 WHERE id = :id"), {"id": line})
    assert (
        ok(quality.post(f"{ECO}/{eco_id}/transitions", json={"action": "approve"}))["stage_name"]
        == "Ready to Apply"
    )
    first, second = (a["content_digest"] for a in ok(eng.get(f"{ECO}/{eco_id}/approvals"))["items"])
    assert first != second
    ctx = error(
        eng.post(f"{ECO}/{eco_id}/transitions", json={"action": "apply"}),
        409,
        "approved_content_changed",
    )["context"]
    assert ctx["approved_digest"] is None
    assert ctx["approved_digests"] == sorted([first, second])
    assert ctx["current_digest"] == second
    assert item(database, target) == ("Draft", False)


def test_a_bom_edit_racing_the_move_into_review_lands_before_it_or_is_refused(
    as_user: Client, database: Database, assembly: Json
) -> None:
    eng, admin, approver = as_user("engineer"), as_user("admin"), as_user("approver")
    create_eco(eng, assembly["product"])
    by = stages(eng)
    review = {"action": "move", "stage_id": by["Engineering Review"]["id"]}
    outcomes = set()
    for round_ in range(10):
        eco_id, target = open_target(eng, assembly["product"])
        line = line_of(database, target)
        before = target_lines(eng, target)
        quantity = 20 + round_
        edit_url, move_url = f"{BOM}/lines/{line}", f"{ECO}/{eco_id}/transitions"
        edit, moved = race(
            partial(eng.patch, edit_url, json={"quantity": quantity}),
            partial(admin.post, move_url, json=review),
        )
        assert moved.status_code == 200, moved.text
        history = events(eng, eco_id)
        kinds = [e["event_type"] for e in history]
        entered = kinds.index("stage_changed")
        if edit.status_code == 200:
            # the edit committed first: it is in the history before the move
            outcomes.add("before")
            assert kinds.index("target_changed") < entered
            assert target_lines(eng, target) == [("GASKET-8", str(quantity))]
        else:
            outcomes.add("refused")
            assert edit.json()["detail"]["code"] == "target_locked", edit.text
            assert "target_changed" not in kinds
            assert target_lines(eng, target) == before
        assert "target_changed" not in kinds[entered:]
        # whatever won, the approval signs what is there and the apply releases exactly it
        ok(approver.post(f"{ECO}/{eco_id}/transitions", json={"action": "approve"}))
        ok(eng.post(f"{ECO}/{eco_id}/transitions", json={"action": "apply"}))
        # the next round changes the newly released revision
        assembly["product"] = target
    assert outcomes <= {"before", "refused"}
