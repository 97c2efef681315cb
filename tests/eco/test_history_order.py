"""ECO history and approval lists have a total order, also for rows written in one instant."""

from __future__ import annotations

from datetime import UTC, datetime

from yuantus.core.db import Database
from yuantus.eco.models import Eco, EcoApproval, EcoEvent
from yuantus.identity.models import User

from .conftest import ECO, Client, create_eco, ok

SAME_INSTANT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def test_approvals_of_one_instant_are_ordered_by_id(
    as_user: Client, product: str, database: Database, users: dict[str, User]
) -> None:
    eng = as_user("engineer")
    eco = create_eco(eng, product)
    with database.scope() as s:
        row = s.get_one(Eco, eco["id"])
        # the larger id is written first, so insertion order and id order disagree
        for approval_id, user in (("ffff-b", users["approver"]), ("0000-a", users["admin"])):
            s.add(
                EcoApproval(
                    id=approval_id,
                    eco_id=row.id,
                    stage_id=row.stage_id,
                    stage_visit=row.stage_visit,
                    user_id=user.id,
                    decision="approved",
                    created_at=SAME_INSTANT,
                )
            )
    listed = ok(eng.get(f"{ECO}/{eco['id']}/approvals"))["items"]
    assert [a["id"] for a in listed] == ["0000-a", "ffff-b"]
    # paging over the tie neither repeats nor skips a row
    first = ok(eng.get(f"{ECO}/{eco['id']}/approvals", params={"limit": 1}))["items"]
    second = ok(eng.get(f"{ECO}/{eco['id']}/approvals", params={"limit": 1, "offset": 1}))
    assert [first[0]["id"], second["items"][0]["id"]] == ["0000-a", "ffff-b"]


def test_events_of_one_instant_keep_their_sequence(
    as_user: Client, product: str, database: Database
) -> None:
    eng = as_user("engineer")
    eco = create_eco(eng, product)
    before = ok(eng.get(f"{ECO}/{eco['id']}/events"))["items"]
    last = before[-1]["seq"]
    with database.scope() as s:
        for seq, event_id in ((last + 2, "0000-late"), (last + 1, "ffff-early")):
            s.add(
                EcoEvent(
                    id=event_id,
                    eco_id=eco["id"],
                    seq=seq,
                    event_type="note",
                    created_at=SAME_INSTANT,
                    data={},
                )
            )
    listed = ok(eng.get(f"{ECO}/{eco['id']}/events"))["items"]
    assert [e["id"] for e in listed[-2:]] == ["ffff-early", "0000-late"]
