"""Racing a release against BOM edits: what was released is what stays released."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.bom.conftest import MakePart
from tests.helpers import race
from yuantus.bom.models import BomLine
from yuantus.core.db import Database
from yuantus.core.hooks import Transition
from yuantus.item import service as item_service
from yuantus.item.models import Item

API = "/api/v1"
ROUNDS = 10


def _line_count(session: Session, item_id: str) -> int:
    query = select(func.count()).where(BomLine.parent_item_id == item_id)
    return int(session.scalar(query) or 0)


def test_release_racing_add_line_never_changes_a_released_bom(
    as_user: Callable[[str], TestClient], database: Database, make_part: MakePart
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    released_with: dict[str, int] = {}

    def snapshot(session: Session, event: Transition) -> None:
        # what the releasing transaction itself sees as the released content
        if event.action == "release":
            released_with[event.object_id] = _line_count(session, event.object_id)

    child = make_part("CHILD", release=True)  # a released child: the release checks pass
    with item_service.item_hooks.registered("after", snapshot):
        for n in range(ROUNDS):
            parent = make_part(f"ASM-{n}")
            assert eng.post(
                f"{API}/items/{parent.id}/transitions", json={"action": "submit"}
            ).is_success

            def release(item_id: str = parent.id) -> Any:
                body = {"action": "release"}
                return approver.post(f"{API}/items/{item_id}/transitions", json=body)

            def add(item_id: str = parent.id) -> Any:
                body = {"child_id": child.id, "quantity": 2}
                return eng.post(f"{API}/bom/{item_id}/children", json=body)

            released, added = race(release, add)
            assert released.status_code == 200, released.text
            if added.status_code != 201:
                assert added.status_code == 409, added.text
                assert added.json()["detail"]["code"] == "item_frozen"
            with database.session() as s:
                item = s.get(Item, parent.id)
                assert item is not None
                assert item.state == "Released"
                # the line landed before the release, or it was refused: never after
                assert _line_count(s, parent.id) == released_with[parent.id], n
                assert _line_count(s, parent.id) == (1 if added.status_code == 201 else 0)
