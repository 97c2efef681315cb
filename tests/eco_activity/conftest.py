"""Helpers of the activity gate tests: ECOs driven over HTTP, activities, stage lookups.

Every ECO move, approval and apply of these tests goes through `eco_move`, `eco_approve`
and `eco_apply` (one place), so a change of the ECO endpoints changes these functions only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.eco.conftest import ECO, create_eco, error, ok, product, stages
from yuantus.eco_activity import blockers

__all__ = ["ECO", "error", "ok", "product", "stages"]

Json = dict[str, Any]
Client = Callable[[str], TestClient]
ACT = "/api/v1/eco-activities"


def eco_move(client: TestClient, eco_id: str, stage_id: str) -> Any:
    """Ask to move an ECO to a stage; the raw response."""
    return client.post(f"{ECO}/{eco_id}/transitions", json={"action": "move", "stage_id": stage_id})


def eco_apply(client: TestClient, eco_id: str) -> Any:
    """Ask to apply an ECO; the raw response."""
    return client.post(f"{ECO}/{eco_id}/transitions", json={"action": "apply"})


def eco_approve(client: TestClient, eco_id: str) -> Any:
    """Approve an ECO's current stage; the raw response."""
    return client.post(f"{ECO}/{eco_id}/transitions", json={"action": "approve"})


def eco(client: TestClient, eco_id: str) -> Json:
    """An ECO as the API answers it."""
    return ok(client.get(f"{ECO}/{eco_id}"))


def open_eco(
    client: TestClient, product_id: str, name: str = "Stronger housing", *, target: bool = True
) -> str:
    """An ECO in New, with its target revision unless asked not to; its id."""
    eco_id: str = create_eco(client, product_id, name=name)["id"]
    if target:
        ok(client.post(f"{ECO}/{eco_id}/new-revision"))
    return eco_id


def add(client: TestClient, eco_id: str, name: str, *deps: str, **body: Any) -> Json:
    """POST /eco-activities and answer the new activity."""
    payload = {"eco_id": eco_id, "name": name, "depends_on_activity_ids": list(deps), **body}
    return ok(client.post(ACT, json=payload), 201)


def move(client: TestClient, activity_id: str, to_status: str, reason: str | None = None) -> Any:
    """The seed's transition call; the raw response."""
    body: Json = {"to_status": to_status}
    if reason is not None:
        body["reason"] = reason
    return client.post(f"{ACT}/activity/{activity_id}/transition", json=body)


def finish(client: TestClient, activity_id: str) -> Json:
    """Activate and complete an activity (asserting success)."""
    ok(move(client, activity_id, "active"))
    return ok(move(client, activity_id, "completed"))


def listing(client: TestClient, path: str, **params: Any) -> Json:
    """A list answer."""
    return ok(client.get(f"{ACT}{path}", params=params))


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Set the clock of SLA views and template due dates."""

    def set_to(now: datetime) -> None:
        monkeypatch.setattr(blockers, "utcnow", lambda: now)

    return set_to
