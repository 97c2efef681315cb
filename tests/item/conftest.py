"""Helpers for item tests: drive an item through its lifecycle over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

Json = dict[str, Any]
Client = Callable[[str], TestClient]


def create_item(client: TestClient, **body: Any) -> Json:
    """POST /items and answer the created item."""
    body.setdefault("item_type", "Part")
    body.setdefault("name", "Bracket")
    response = client.post("/api/v1/items", json=body)
    assert response.status_code == 201, response.text
    answer: Json = response.json()
    return answer


def lifecycle(client: TestClient, item_id: str, transition: str) -> Json:
    """POST /items/{id}/transitions and answer the item (asserting success)."""
    response = client.post(f"/api/v1/items/{item_id}/transitions", json={"action": transition})
    assert response.status_code == 200, response.text
    answer: Json = response.json()
    return answer


@pytest.fixture
def released(as_user: Client) -> Callable[..., Json]:
    """A factory of items created and submitted by the engineer, released by the approver."""

    def make(**body: Any) -> Json:
        eng = as_user("engineer")
        item = create_item(eng, **body)
        lifecycle(eng, item["id"], "submit")
        return lifecycle(as_user("approver"), item["id"], "release")

    return make
