"""The bike of the revision-rule tests, built over HTTP as an engineer would.

BIKE A  (Released, then Superseded by BIKE B)
  SEAT  x1   -> SEAT A: SCREW x2    (SEAT B, after "the ECO": SCREW x3)
  FRAME x1
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

API = "/api/v1"
Json = dict[str, Any]


def ok(response: Any, status: int = 200) -> Json:
    """The JSON of a response that must have the given status."""
    assert response.status_code == status, response.text
    body: Json = response.json()
    return body


def refused(response: Any, status: int, code: str) -> Json:
    """The error detail of a response refused with the status and code."""
    assert response.status_code == status, response.text
    detail: Json = response.json()["detail"]
    assert detail["code"] == code, detail
    return detail


@dataclass(frozen=True)
class Crew:
    """The engineer who designs and submits, and the approver who releases (four eyes)."""

    eng: TestClient
    approver: TestClient

    @classmethod
    def of(cls, as_user: Callable[[str], TestClient]) -> Crew:
        """The crew from the as_user fixture."""
        return cls(as_user("engineer"), as_user("approver"))


def part(c: TestClient, number: str) -> Json:
    """A new Part (rev A, Draft)."""
    body = {"item_type": "Part", "item_number": number, "name": f"{number} name"}
    return ok(c.post(f"{API}/items", json=body), 201)


def lifecycle(c: TestClient, item_id: str, *transitions: str) -> Json:
    """Run lifecycle transitions on a revision; the revision after the last."""
    for name in transitions:
        ok(c.post(f"{API}/items/{item_id}/transitions", json={"action": name}))
    return ok(c.get(f"{API}/items/{item_id}"))


def release(crew: Crew, item_id: str) -> Json:
    """The engineer submits a Draft revision, the approver releases it."""
    lifecycle(crew.eng, item_id, "submit")
    return lifecycle(crew.approver, item_id, "release")


def add(c: TestClient, parent_id: str, child_id: str, quantity: float) -> Json:
    """Add a BOM line."""
    body = {"child_id": child_id, "quantity": quantity}
    return ok(c.post(f"{API}/bom/{parent_id}/children", json=body), 201)


def revise(c: TestClient, item_id: str) -> Json:
    """Open the next revision (Draft) of a released revision."""
    return ok(c.post(f"{API}/items/{item_id}/revise"), 201)


def set_quantity(c: TestClient, parent_id: str, child_number: str, quantity: float) -> None:
    """Change the quantity of the parent's line using the child."""
    rows = ok(c.get(f"{API}/bom/{parent_id}/flat", params={"levels": 1}))["items"]
    line = next(r for r in rows if r["child_number"] == child_number)
    ok(c.patch(f"{API}/bom/lines/{line['line_id']}", json={"quantity": quantity}))


def build_bike(crew: Crew) -> Json:
    """SCREW, FRAME, SEAT A (2 screws) and BIKE A, all released; answers the revisions."""
    c = crew.eng
    screw, frame, seat, bike = (part(c, n) for n in ("SCREW", "FRAME", "SEAT", "BIKE"))
    add(c, seat["id"], screw["id"], 2)
    add(c, bike["id"], seat["id"], 1)
    add(c, bike["id"], frame["id"], 1)
    made = {"SCREW": screw, "FRAME": frame, "SEAT_A": seat, "BIKE_A": bike}
    # leaves first: a released assembly is made of released parts
    return {name: release(crew, item["id"]) for name, item in made.items()}


def seat_eco(crew: Crew, bike: Json, screws: float = 3) -> Json:
    """The change on the sub-assembly: SEAT B with more screws, released (SEAT A Superseded)."""
    seat_b = revise(crew.eng, bike["SEAT_A"]["id"])
    set_quantity(crew.eng, seat_b["id"], "SCREW", screws)
    return release(crew, seat_b["id"])


def screws(rows: list[Json]) -> tuple[str | None, str]:
    """(SEAT revision, SCREW extended quantity) of a flat explosion (quantities are text)."""
    seat = next(r for r in rows if r["child_number"] == "SEAT")
    screw = next(r for r in rows if r["child_number"] == "SCREW")
    quantity: str = screw["extended_quantity"]
    return seat["child_revision"], quantity
