"""Who may change activities, the event trail, SLA buckets and waiting_for_me."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.eco_activity.conftest import (
    ACT,
    ECO,
    Client,
    add,
    error,
    finish,
    listing,
    move,
    ok,
    open_eco,
)
from yuantus.identity.models import User


def test_permission_refusals(as_user: Client, product: str, users: dict[str, User]) -> None:
    eng, viewer = as_user("engineer"), as_user("viewer")
    quality, production = as_user("quality"), as_user("production")
    eco_id = open_eco(eng, product)
    # only engineers create activities
    error(viewer.post(ACT, json={"eco_id": eco_id, "name": "x"}), 403)
    error(quality.post(ACT, json={"eco_id": eco_id, "name": "x"}), 403)
    mine = add(eng, eco_id, "Measure", assignee_id=users["quality"].id)
    by_role = add(eng, eco_id, "Count stock", assignee_role="production")
    for client, activity in ((viewer, mine), (production, mine), (quality, by_role)):
        detail = error(move(client, activity["id"], "active"), 403, "activity_forbidden")
        assert detail["context"] == {
            "activity_id": activity["id"],
            "assignee_id": activity["assignee_id"],
            "assignee_role": activity["assignee_role"],
        }
        error(client.patch(f"{ACT}/activity/{activity['id']}", json={"name": "y"}), 403)
        assert ok(client.get(f"{ACT}/activity/{activity['id']}/transitions"))["actions"] == []
    # the assignee, a holder of the assignee role, and an admin may
    assert ok(move(quality, mine["id"], "active"))["state"] == "active"
    assert ok(move(production, by_role["id"], "active"))["state"] == "active"
    assert ok(move(as_user("admin"), by_role["id"], "exception"))["state"] == "exception"
    # nothing the refused calls asked for happened
    names = {a["name"] for a in listing(eng, f"/{eco_id}")["items"]}
    assert names == {"Measure", "Count stock"}
    error(viewer.get(f"{ACT}/{eco_id}", headers={"Authorization": "Bearer nope"}), 401)


def test_the_event_trail_is_complete_and_newest_first(
    as_user: Client, product: str, users: dict[str, User]
) -> None:
    eng, quality = as_user("engineer"), as_user("quality")
    eco_id = open_eco(eng, product)
    a = add(eng, eco_id, "a")
    b = add(eng, eco_id, "b", a["id"], assignee_role="quality")
    ok(move(eng, a["id"], "active", "started"))
    ok(move(eng, a["id"], "completed", "done at the bench"))
    ok(move(quality, b["id"], "active"))
    ok(move(quality, b["id"], "exception", "gauge broken"))
    ok(move(quality, b["id"], "active", "new gauge"))
    ok(move(eng, b["id"], "canceled", "not needed after all"))
    trail = listing(eng, f"/{eco_id}/events")
    assert trail["total"] == 8
    fields = ("seq", "activity_name", "from_status", "to_status", "reason", "user_name")
    got = [tuple(e[f] for f in fields) for e in trail["items"]]
    assert got == [
        (8, "b", "active", "canceled", "not needed after all", "engineer"),
        (7, "b", "exception", "active", "new gauge", "quality"),
        (6, "b", "active", "exception", "gauge broken", "quality"),
        (5, "b", "pending", "active", None, "quality"),
        (4, "a", "active", "completed", "done at the bench", "engineer"),
        (3, "a", "pending", "active", "started", "engineer"),
        (2, "b", None, "pending", "created", "engineer"),
        (1, "a", None, "pending", "created", "engineer"),
    ]
    assert trail["items"][0]["user_id"] == users["engineer"].id
    # each move is also a domain event about the ECO (creation is not a move)
    logged = ok(eng.get("/api/v1/events", params={"type": "eco.activity_changed"}))
    assert logged["total"] == 6
    assert {(e["object_type"], e["object_id"]) for e in logged["items"]} == {("ECO", eco_id)}
    assert sorted(
        (
            e["payload"]["name"],
            e["payload"]["from_state"],
            e["payload"]["to_state"],
            e["payload"]["reason"] or "",
            e["actor_name"],
        )
        for e in logged["items"]
    ) == [
        ("a", "active", "completed", "done at the bench", "engineer"),
        ("a", "pending", "active", "started", "engineer"),
        ("b", "active", "canceled", "not needed after all", "engineer"),
        ("b", "active", "exception", "gauge broken", "quality"),
        ("b", "exception", "active", "new gauge", "quality"),
        ("b", "pending", "active", "", "quality"),
    ]
    assert {e["payload"]["activity_id"] for e in logged["items"]} == {a["id"], b["id"]}
    page = listing(eng, f"/{eco_id}/events", limit=3, offset=3)
    assert [e["seq"] for e in page["items"]] == [5, 4, 3]
    assert (page["total"], page["limit"], page["offset"]) == (8, 3, 3)
    only_a = listing(eng, f"/{eco_id}/events", activity_id=a["id"], sort="seq")
    assert [e["seq"] for e in only_a["items"]] == [1, 3, 4]
    # refused moves write nothing
    error(move(eng, a["id"], "active"), 409)
    assert listing(eng, f"/{eco_id}/events")["total"] == 8
    error(eng.get(f"{ACT}/{eco_id}/events", params={"sort": "reason"}), 422, "invalid_sort")
    error(eng.get(f"{ACT}/{eco_id}/events", params={"bogus": "1"}), 422, "unknown_parameter")
    # every change left an audit row too
    audit = ok(as_user("admin").get("/api/v1/audit", params={"scope_id": eco_id, "limit": 100}))
    actions = sorted(e["action"] for e in audit["items"] if e["object_type"] == "eco_activity")
    moves = ["active", "completed", "active", "exception", "active", "canceled"]
    assert actions == sorted(["create", "create", *(f"transition:{m}" for m in moves)])


NOW = datetime(2027, 5, 10, 12, 0, tzinfo=UTC)


def _sla_setup(as_user: Client, product: str) -> tuple[str, dict[str, Any]]:
    eng = as_user("engineer")
    eco_id = open_eco(eng, product)
    acts = {
        "late": add(eng, eco_id, "late", due_at="2027-05-10T10:00:00Z"),
        "soon": add(eng, eco_id, "soon", due_at="2027-05-10T17:30:00Z"),
        "later": add(eng, eco_id, "later", due_at="2027-05-11T18:00:00Z"),
        "undated": add(eng, eco_id, "undated"),
        "closed": add(eng, eco_id, "closed", due_at="2027-05-01T00:00:00Z"),
    }
    finish(eng, acts["closed"]["id"])
    return eco_id, acts


def test_sla_buckets_with_a_fixed_clock(as_user: Client, product: str, fixed_clock: Any) -> None:
    eco_id, _ = _sla_setup(as_user, product)
    fixed_clock(NOW)
    sla = listing(as_user("viewer"), f"/{eco_id}/sla")
    assert (sla["now"], sla["due_soon_hours"]) == ("2027-05-10T12:00:00Z", 24.0)
    assert sla["counts"] == {"overdue": 1, "due_soon": 1, "on_track": 1, "no_due_date": 1}
    got = [(i["name"], i["sla_status"], i["hours_left"], i["hours_late"]) for i in sla["items"]]
    # by name; the completed one is not open
    assert got == [
        ("late", "overdue", None, 2.0),
        ("later", "on_track", 30.0, None),
        ("soon", "due_soon", 5.5, None),
        ("undated", "no_due_date", None, None),
    ]
    overdue = listing(as_user("viewer"), f"/{eco_id}/sla", sla_status="overdue")
    assert [i["name"] for i in overdue["items"]] == ["late"]
    assert overdue["total"] == 1


def test_the_due_soon_window_is_a_setting(
    as_user: Client, product: str, fixed_clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    eco_id, _ = _sla_setup(as_user, product)
    fixed_clock(NOW)
    monkeypatch.setenv("YUANTUS_ECO_ACTIVITY_DUE_SOON_HOURS", "48")
    sla = listing(as_user("viewer"), f"/{eco_id}/sla", sort="-due_at")
    assert sla["due_soon_hours"] == 48.0
    assert sla["counts"] == {"overdue": 1, "due_soon": 2, "on_track": 0, "no_due_date": 1}
    dated = [(i["name"], i["sla_status"]) for i in sla["items"] if i["due_at"] is not None]
    assert dated == [("later", "due_soon"), ("soon", "due_soon"), ("late", "overdue")]


def test_waiting_for_me_lists_activities_and_their_ecos(
    as_user: Client, product: str, users: dict[str, User]
) -> None:
    eng, quality, production = as_user("engineer"), as_user("quality"), as_user("production")
    eco_id = open_eco(eng, product)
    fai = add(eng, eco_id, "Sign first article", assignee_role="quality")
    personal = add(eng, eco_id, "Measure", assignee_id=users["production"].id)
    add(eng, eco_id, "Engineering only")
    assert [a["id"] for a in listing(quality, "")["items"]] == [fai["id"]]
    assert [a["id"] for a in listing(production, "")["items"]] == [personal["id"]]
    assert listing(eng, "", waiting_for_me=False)["total"] == 3
    for client in (quality, production):
        ecos = ok(client.get(ECO, params={"waiting_for_me": True}))["items"]
        assert [e["id"] for e in ecos] == [eco_id]
    assert ok(as_user("viewer").get(ECO, params={"waiting_for_me": True}))["items"] == []
    # once done, nothing waits any more
    finish(quality, fai["id"])
    assert listing(quality, "")["items"] == []
    assert ok(quality.get(ECO, params={"waiting_for_me": True}))["items"] == []
