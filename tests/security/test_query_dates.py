"""Finding 13, query side: a bare number is not a date (pydantic read it as a Unix time)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

Client = Callable[[str], TestClient]


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("/api/v1/jobs", "created_to", "0.5"),
        ("/api/v1/jobs", "created_from", "1700000000"),
        ("/api/v1/events", "since", "1e9"),
        ("/api/v1/audit", "since", "0"),
        ("/api/v1/breakages", "from", "-3"),
        ("/api/v1/consumption/dashboard", "to", "0"),
    ],
)
def test_a_number_for_a_date_is_refused(as_user: Client, path: str, name: str, value: str) -> None:
    """422 validation_failed naming the parameter; the ISO form of the same filter is fine."""
    client = as_user("admin")
    answer = client.get(path, params={name: value})
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert detail["code"] == "validation_failed"
    assert detail["context"]["errors"][0]["loc"] == ["query", name]
    iso = "2026-12-03" if path.endswith("dashboard") else "2026-12-03T00:00:00Z"
    assert client.get(path, params={name: iso}).status_code == 200
