"""Revision rules over HTTP: history that does not move, each rule's default, unresolved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from tests.bom.bike import (
    API,
    Crew,
    Json,
    add,
    build_bike,
    lifecycle,
    ok,
    part,
    refused,
    release,
    revise,
    screws,
    seat_eco,
)
from yuantus.core.db import Database
from yuantus.identity import service as identity_service
from yuantus.item import service as item_service

Client = Callable[[str], TestClient]


@pytest.fixture
def crew(as_user: Client) -> Crew:
    """The engineer and the approver."""
    return Crew.of(as_user)


@pytest.fixture
def eng(crew: Crew) -> TestClient:
    """The engineer's client."""
    return crew.eng


def flat(c: TestClient, item_id: str, **params: str) -> Json:
    """The flat explosion of a revision."""
    return ok(c.get(f"{API}/bom/{item_id}/flat", params=params))


@pytest.fixture
def history(crew: Crew) -> Json:
    """BIKE A superseded by BIKE B, then the ECO on the seat (screws 2 -> 3).

    t0: BIKE B released (BIKE A stops being current); t1: SEAT B released.
    """
    eng = crew.eng
    bike = build_bike(crew)
    bike_b = revise(eng, bike["BIKE_A"]["id"])
    bike["BIKE_B"] = release(crew, bike_b["id"])
    bike["SEAT_B"] = seat_eco(crew, bike)
    bike["BIKE_A"] = ok(eng.get(f"{API}/items/{bike['BIKE_A']['id']}"))
    bike["SEAT_A"] = ok(eng.get(f"{API}/items/{bike['SEAT_A']['id']}"))
    return bike


def test_superseded_revision_explodes_as_it_was(eng: TestClient, history: Json) -> None:
    """The bug: after the seat ECO, superseded BIKE A showed 3 screws; it must show 2."""
    body = flat(eng, history["BIKE_A"]["id"])
    assert history["BIKE_A"]["state"] == "Superseded"
    assert screws(body["items"]) == ("A", "2")
    # the default for a Superseded root: as of the moment before it stopped being current
    superseded_at = datetime.fromisoformat(history["BIKE_A"]["superseded_at"])
    assert body["rule"]["kind"] == "as_of"
    assert body["rule"]["default"] is True
    assert datetime.fromisoformat(body["rule"]["as_of"]) == superseded_at - timedelta(
        microseconds=1
    )
    seat = next(r for r in body["items"] if r["child_number"] == "SEAT")
    assert (seat["child_id"], seat["child_state"], seat["resolution"]) == (
        history["SEAT_A"]["id"],
        "Superseded",
        "resolved",
    )
    # the tree says the same
    tree = ok(eng.get(f"{API}/bom/{history['BIKE_A']['id']}/tree"))
    assert tree["rule"]["kind"] == "as_of"
    seat_node = next(n for n in tree["children"] if n["item_number"] == "SEAT")
    assert seat_node["revision"] == "A"
    assert [(n["item_number"], n["line"]["quantity"]) for n in seat_node["children"]] == [
        ("SCREW", "2")
    ]


def test_each_rule_explicitly(eng: TestClient, history: Json) -> None:
    """latest and released see SEAT B (3 screws); as_of between the releases sees SEAT A."""
    bike_a, bike_b = history["BIKE_A"]["id"], history["BIKE_B"]["id"]
    assert screws(flat(eng, bike_a, rule="latest")["items"]) == ("B", "3")
    assert screws(flat(eng, bike_a, rule="released")["items"]) == ("B", "3")
    # BIKE B is Released: its default is rule released
    answer = flat(eng, bike_b)
    assert answer["rule"] == {"kind": "released", "as_of": None, "default": True}
    assert screws(answer["items"]) == ("B", "3")
    t0 = datetime.fromisoformat(history["BIKE_B"]["effective_from"])
    t1 = datetime.fromisoformat(history["SEAT_B"]["effective_from"])
    assert t0 < t1
    between = (t0 + (t1 - t0) / 2).isoformat()
    answer = flat(eng, bike_b, as_of=between)
    assert answer["rule"]["kind"] == "as_of"
    assert answer["rule"]["default"] is False
    assert screws(answer["items"]) == ("A", "2")
    assert screws(flat(eng, bike_b, rule="as_of", as_of=t1.isoformat())["items"]) == ("B", "3")
    # before SEAT was ever released nothing of it was effective: unresolved, no children
    before = datetime.fromisoformat(history["SEAT_A"]["effective_from"]) - timedelta(seconds=1)
    rows = flat(eng, bike_b, as_of=before.isoformat())["items"]
    seat = next(r for r in rows if r["child_number"] == "SEAT")
    assert (seat["child_id"], seat["child_revision"], seat["resolution"]) == (
        None,
        None,
        "unresolved",
    )
    assert [r["child_number"] for r in rows] == ["SEAT", "FRAME"]


def test_draft_root_defaults_to_latest(eng: TestClient, history: Json) -> None:
    """A Draft revision is the working view: its children resolve to current revisions."""
    bike_c = revise(eng, history["BIKE_B"]["id"])
    seat_c = revise(eng, history["SEAT_B"]["id"])
    answer = flat(eng, bike_c["id"])
    assert answer["rule"] == {"kind": "latest", "as_of": None, "default": True}
    # the seat's open revision C is not current: latest is still B
    assert screws(answer["items"]) == ("B", "3")
    assert seat_c["state"] == "Draft"


def test_released_lists_a_child_without_released_revision_as_unresolved(
    eng: TestClient, crew: Crew
) -> None:
    """A child whose current revision is Obsolete has no Released one: unresolved, not dropped."""
    lamp, bulb, cord = part(eng, "LAMP"), part(eng, "BULB"), part(eng, "CORD")
    add(eng, bulb["id"], cord["id"], 1)
    add(eng, lamp["id"], bulb["id"], 2)
    for item in (cord, bulb, lamp):
        release(crew, item["id"])
    lifecycle(eng, bulb["id"], "obsolete")
    answer = flat(eng, lamp["id"])
    assert answer["rule"]["kind"] == "released"
    assert answer["total"] == 1
    row = answer["items"][0]
    assert row["child_config_id"] == bulb["config_id"]
    assert (row["child_number"], row["child_name"]) == ("BULB", "BULB name")
    assert (row["child_id"], row["child_revision"], row["child_state"]) == (None, None, None)
    assert row["resolution"] == "unresolved"
    assert row["quantity"] == "2"
    # latest resolves it (Obsolete) and goes down to the cord
    rows = flat(eng, lamp["id"], rule="latest")["items"]
    assert [(r["child_number"], r["child_state"], r["resolution"]) for r in rows] == [
        ("BULB", "Obsolete", "resolved"),
        ("CORD", "Released", "resolved"),
    ]


def test_released_never_picks_a_scheduled_revision(
    eng: TestClient, history: Json, database: Database
) -> None:
    """A revision released to take effect later is not current: released skips it, as_of not."""
    seat_c = revise(eng, history["SEAT_B"]["id"])
    rows = flat(eng, seat_c["id"], levels="1")["items"]
    ok(eng.patch(f"{API}/bom/lines/{rows[0]['line_id']}", json={"quantity": 5}))
    effective = datetime.fromisoformat(history["SEAT_B"]["effective_from"]) + timedelta(days=30)
    lifecycle(eng, seat_c["id"], "submit")
    with database.scope() as s:
        # as an ECO applied with a later effectivity date releases its target
        approver = identity_service.get_by_username(s, "approver")
        item = item_service.get(s, seat_c["id"])
        item_service.transition(s, item, "release", approver, effective_from=effective)
    bike_b = history["BIKE_B"]["id"]
    assert screws(flat(eng, bike_b)["items"]) == ("B", "3")
    assert screws(flat(eng, bike_b, rule="latest")["items"]) == ("B", "3")
    before = (effective - timedelta(seconds=1)).isoformat()
    assert screws(flat(eng, bike_b, as_of=before)["items"]) == ("B", "3")
    assert screws(flat(eng, bike_b, as_of=effective.isoformat())["items"]) == ("C", "5")


def test_where_used_under_a_rule(eng: TestClient, history: Json) -> None:
    """Where-used names its rule; as_of before BIKE B sees BIKE A as the user of the seat."""
    seat = history["SEAT_B"]["id"]
    answer = ok(eng.get(f"{API}/bom/{seat}/where-used"))
    assert answer["rule"]["kind"] == "latest"
    assert [(r["parent_number"], r["parent_revision"]) for r in answer["items"]] == [("BIKE", "B")]
    t0 = datetime.fromisoformat(history["BIKE_B"]["effective_from"])
    answer = ok(
        eng.get(
            f"{API}/bom/{seat}/where-used",
            params={"as_of": (t0 - timedelta(microseconds=1)).isoformat()},
        )
    )
    assert [(r["parent_number"], r["parent_revision"]) for r in answer["items"]] == [("BIKE", "A")]


def test_compare_names_each_sides_rule(eng: TestClient, history: Json) -> None:
    """Superseded BIKE A (as it was: 2 screws) against Released BIKE B (now: 3 screws)."""
    params = {"left_id": history["BIKE_A"]["id"], "right_id": history["BIKE_B"]["id"]}
    result = ok(eng.get(f"{API}/bom/compare", params=params))
    assert result["left"]["rule"]["kind"] == "as_of"
    assert result["right"]["rule"]["kind"] == "released"
    assert [(c["line_key"], c["changes"][0]["before"], c["changes"][0]["after"]) for c in
            result["changed"]] == [("SEAT>SCREW", "2", "3")]  # fmt: skip
    assert result["changed"][0]["child_revision"] == "A"
    # the same rule on both sides: nothing differs
    same = ok(eng.get(f"{API}/bom/compare", params={**params, "rule": "latest"}))
    assert same["summary"]["changed"] == 0
    preview = ok(eng.get(f"{API}/bom/compare/delta/preview", params=params))
    assert preview["left"]["rule"]["kind"] == "as_of"
    assert preview["summary"]["update"] == 1


BAD_QUERIES = [
    ({"rule": "newest"}, "unknown_revision_rule"),
    ({"as_of": "yesterday"}, "invalid_as_of"),
    ({"as_of": "2026-12-01T12:00:00"}, "invalid_as_of"),  # no UTC offset
    ({"rule": "latest", "as_of": "2026-12-01T12:00:00Z"}, "invalid_as_of"),
    ({"rule": "as_of"}, "invalid_as_of"),
    ({"levles": "2"}, "unknown_parameter"),
    ({"asof": "2026-12-01T12:00:00Z"}, "unknown_parameter"),
]


@pytest.mark.parametrize(("query", "code"), BAD_QUERIES)
def test_bad_rule_or_unknown_parameter_is_422(
    eng: TestClient, history: Json, query: dict[str, str], code: str
) -> None:
    """Every structure endpoint refuses a bad rule, a bad as_of and an unknown parameter."""
    bike = history["BIKE_A"]["id"]
    pair = {"left_id": history["BIKE_A"]["id"], "right_id": history["BIKE_B"]["id"]}
    for path, params in (
        (f"/bom/{bike}/flat", {}),
        (f"/bom/{bike}/tree", {}),
        (f"/bom/{history['SCREW']['id']}/where-used", {}),
        ("/bom/compare", pair),
        ("/bom/compare/delta/preview", pair),
        ("/bom/compare/delta/export", pair),
    ):
        detail = refused(eng.get(f"{API}{path}", params={**params, **query}), 422, code)
        if code == "unknown_parameter":
            assert detail["context"]["parameters"] == sorted(query), path


def test_a_plus_offset_sent_unencoded_is_understood(eng: TestClient, history: Json) -> None:
    """`as_of=...+08:00` typed into a URL arrives with a space for the plus: still that time."""
    t1 = datetime.fromisoformat(history["SEAT_B"]["effective_from"])
    local = t1.astimezone(timezone(timedelta(hours=8))).isoformat()
    assert local.endswith("+08:00")
    answer = flat(eng, history["BIKE_B"]["id"], as_of=local.replace("+", " "))
    assert datetime.fromisoformat(answer["rule"]["as_of"]) == t1
    assert screws(answer["items"]) == ("B", "3")
