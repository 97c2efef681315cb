"""Shared helpers of the test_input_* regression tests (issue 20, findings 6, 7 and 13)."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from yuantus.core.db import Database
from yuantus.item.models import Item

ITEMS = "/api/v1/items"


def post_raw(client: TestClient, path: str, raw: bytes) -> Any:
    """POST a JSON body exactly as given (httpx would refuse to encode NaN or surrogates)."""
    return client.post(path, content=raw, headers={"content-type": "application/json"})


def refused(response: Any, status: int, code: str) -> dict[str, Any]:
    """The error detail of an answer that must be `status` with `code`, in the house shape."""
    assert response.status_code == status, response.text[:500]
    body = json.loads(response.content)  # valid JSON, whatever was sent
    detail: dict[str, Any] = body["detail"]
    assert detail["code"] == code, detail
    assert set(detail) == {"code", "message", "context"}
    return detail


def item_count(database: Database) -> int:
    """Item revisions stored (a refused request writes none)."""
    with database.scope() as s:
        return int(s.scalar(select(func.count()).select_from(Item)) or 0)
