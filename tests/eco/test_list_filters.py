"""GET /eco filters (number, product number, state, priority, q) and sort, on both databases."""

from __future__ import annotations

from typing import Any

import pytest

from tests.eco.conftest import ECO, Client, create_eco, ok, release_item
from yuantus.core.db import Database
from yuantus.identity.models import User


@pytest.fixture
def ecos(as_user: Client, database: Database, users: dict[str, User]) -> dict[str, str]:
    """Three ECOs on two products; numbers by name."""
    gearbox = release_item(database, users["engineer"], "Gearbox", number="GB-100")
    pump = release_item(database, users["engineer"], "Pump", number="PU-200")
    engineer = as_user("engineer")
    made = [
        create_eco(engineer, gearbox, name="Stronger housing", priority="high"),
        create_eco(
            engineer, gearbox, name="Cheaper gasket", description="supplier switch to Viton"
        ),
        create_eco(engineer, pump, name="Pump impeller", priority="urgent"),
    ]
    cancel = engineer.post(f"{ECO}/{made[1]['id']}/transitions", json={"action": "cancel"})
    assert cancel.status_code == 200, cancel.text
    return {row["name"]: row["number"] for row in made}


def names(client: Any, **params: Any) -> list[str]:
    """The ECO names a list answers, in its order."""
    body = ok(client.get(ECO, params=params))
    assert body["total"] == len(body["items"])
    return [row["name"] for row in body["items"]]


def test_eco_filters(as_user: Client, ecos: dict[str, str]) -> None:
    viewer = as_user("viewer")
    # newest first by default
    assert names(viewer) == ["Pump impeller", "Cheaper gasket", "Stronger housing"]
    assert names(viewer, number=ecos["Cheaper gasket"]) == ["Cheaper gasket"]
    assert names(viewer, number="ECO-NOPE") == []
    assert names(viewer, product_number="GB-100") == ["Cheaper gasket", "Stronger housing"]
    assert names(viewer, product_number="PU-200") == ["Pump impeller"]
    assert names(viewer, product_number="XX-1") == []
    assert names(viewer, state="canceled") == ["Cheaper gasket"]
    assert names(viewer, priority="urgent") == ["Pump impeller"]
    assert names(viewer, q="viton") == ["Cheaper gasket"]  # the description
    assert names(viewer, q="PUMP") == ["Pump impeller"]  # the name, any case
    assert names(viewer, q=ecos["Stronger housing"].lower()) == ["Stronger housing"]
    assert names(viewer, q="housing gasket") == []  # every word must occur
    assert names(viewer, q="%") == []
    assert names(viewer, q="er", product_number="GB-100", state="draft") == ["Stronger housing"]


def test_eco_sort(as_user: Client, ecos: dict[str, str]) -> None:
    viewer = as_user("viewer")
    assert names(viewer, sort="name") == ["Cheaper gasket", "Pump impeller", "Stronger housing"]
    # by urgency, not alphabetically: normal < high < urgent
    assert names(viewer, sort="-priority") == [
        "Pump impeller",
        "Stronger housing",
        "Cheaper gasket",
    ]
    assert names(viewer, sort="number") == ["Stronger housing", "Cheaper gasket", "Pump impeller"]
    response = viewer.get(ECO, params={"sort": "product_id"})
    assert response.status_code == 422
    assert response.json()["detail"]["code"] == "invalid_sort"
