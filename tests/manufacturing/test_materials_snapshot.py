"""Released work orders keep the materials they were released with; drafts show the live view."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.bom.bike import Crew, build_bike, seat_eco
from tests.manufacturing.conftest import API, Json, count, ok, refused
from yuantus.core.db import Database
from yuantus.manufacturing.models import WorkOrderMaterial

WO = f"{API}/workorders"


@pytest.fixture
def crew(as_user: Callable[[str], TestClient]) -> Crew:
    """The engineer and the approver."""
    return Crew.of(as_user)


@pytest.fixture
def bike(crew: Crew, workcenter: Callable[..., Json], routing: Callable[..., Json]) -> Json:
    """The released bike (SEAT A: 2 screws) with a released primary routing."""
    parts = build_bike(crew)
    wc = workcenter("ASM")
    routing(
        parts["BIKE_A"]["id"],
        "RT-BIKE",
        is_primary=True,
        release=True,
        operations=[{"operation_number": 10, "name": "Build", "workcenter_id": wc["id"]}],
    )
    return parts


def order(eng: TestClient, bike: Json, quantity: int, *, release: bool) -> Json:
    """A work order for the bike, released if asked."""
    created = ok(eng.post(WO, json={"product_id": bike["BIKE_A"]["id"], "quantity": quantity}), 201)
    if release:
        ok(eng.post(f"{WO}/{created['id']}/transitions", json={"action": "release"}))
    return created


def materials(eng: TestClient, order_id: str, **params: str) -> Json:
    """The order's materials answer."""
    return ok(eng.get(f"{WO}/{order_id}/materials", params=params))


def needs(answer: Json) -> dict[str, tuple[str | None, str]]:
    """Item number -> (revision, required quantity); quantities are answered as exact text."""
    return {r["item_number"]: (r["revision"], r["required_quantity"]) for r in answer["items"]}


def test_released_order_keeps_its_materials_after_an_eco(
    eng: TestClient, crew: Crew, bike: Json, database: Database
) -> None:
    """60 bikes x 2 screws = 120, also after the seat ECO (3 screws) and once started."""
    released = order(eng, bike, 60, release=True)
    answer = materials(eng, released["id"])
    assert answer["source"] == "snapshot"
    assert answer["snapshot_at"] is not None
    assert answer["rule"]["kind"] == "released"
    assert needs(answer) == {"FRAME": ("A", "60"), "SCREW": ("A", "120")}
    assert count(database, WorkOrderMaterial) == 2

    seat_eco(crew, bike, screws=3)
    ok(eng.post(f"{WO}/{released['id']}/transitions", json={"action": "start"}))
    answer = materials(eng, released["id"])
    assert answer["source"] == "snapshot"
    assert needs(answer) == {"FRAME": ("A", "60"), "SCREW": ("A", "120")}
    screw = next(r for r in answer["items"] if r["item_number"] == "SCREW")
    assert (screw["quantity_per_unit"], screw["bom_lines"], screw["resolution"]) == (
        "2",
        1,
        "resolved",
    )

    # a new draft order shows what releasing it now would build: 60 x 3 = 180
    draft = order(eng, bike, 60, release=False)
    live = materials(eng, draft["id"])
    assert live["source"] == "live"
    assert live["snapshot_at"] is None
    assert live["rule"] == {"kind": "released", "as_of": None, "default": True}
    assert needs(live) == {"FRAME": ("A", "60"), "SCREW": ("A", "180")}
    assert count(database, WorkOrderMaterial) == 2


def test_draft_order_takes_a_rule_a_snapshot_does_not(
    eng: TestClient, crew: Crew, bike: Json
) -> None:
    """A draft's live view takes rule/as_of; asking a rule of a snapshot is 409."""
    seat_b = seat_eco(crew, bike, screws=3)
    draft = order(eng, bike, 10, release=False)
    assert needs(materials(eng, draft["id"])) == {"FRAME": ("A", "10"), "SCREW": ("A", "30")}
    assert materials(eng, draft["id"], rule="latest")["rule"]["kind"] == "latest"
    # as of just before the seat ECO: SEAT A's 2 screws
    before = datetime.fromisoformat(seat_b["effective_from"]) - timedelta(microseconds=1)
    answer = materials(eng, draft["id"], as_of=before.isoformat())
    assert answer["rule"]["kind"] == "as_of"
    assert needs(answer) == {"FRAME": ("A", "10"), "SCREW": ("A", "20")}
    released = order(eng, bike, 10, release=True)
    refused(
        eng.get(f"{WO}/{released['id']}/materials", params={"rule": "latest"}),
        409,
        "materials_snapshot",
    )


def test_materials_refuse_an_unknown_parameter(
    eng: TestClient, bike: Json, database: Database
) -> None:
    """An unknown query parameter (or a bad rule) is 422; no snapshot row appears."""
    draft = order(eng, bike, 10, release=False)
    refused(
        eng.get(f"{WO}/{draft['id']}/materials", params={"revision_rule": "latest"}),
        422,
        "unknown_parameter",
    )
    refused(
        eng.get(f"{WO}/{draft['id']}/materials", params={"rule": "frozen"}),
        422,
        "unknown_revision_rule",
    )
    assert count(database, WorkOrderMaterial) == 0


def test_canceling_a_released_order_keeps_its_snapshot(eng: TestClient, bike: Json) -> None:
    """A canceled order that was released still answers what it was released with."""
    released = order(eng, bike, 5, release=True)
    ok(eng.post(f"{WO}/{released['id']}/transitions", json={"action": "cancel"}))
    answer = materials(eng, released["id"])
    assert answer["source"] == "snapshot"
    assert needs(answer) == {"FRAME": ("A", "5"), "SCREW": ("A", "10")}
