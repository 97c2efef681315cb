"""Shared list conventions: strict query strings everywhere, the sort allow-list, the envelope."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from yuantus.core.errors import Unprocessable
from yuantus.core.sorting import parse_sort
from yuantus.item.models import Item


def test_an_unknown_query_parameter_is_refused_on_any_route(
    as_user: Callable[[str], TestClient],
) -> None:
    response = as_user("viewer").get("/api/v1/items", params={"stat": "Draft"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail["code"] == "unknown_parameter"
    assert detail["context"]["parameters"] == ["stat"]
    assert "state" in detail["context"]["allowed"]


def test_lists_answer_items_total_limit_offset(as_user: Callable[[str], TestClient]) -> None:
    body = as_user("viewer").get("/api/v1/items", params={"limit": 3, "offset": 1}).json()
    assert body == {"items": [], "total": 0, "limit": 3, "offset": 1}


def test_sort_parses_directions_and_ends_with_the_unique_tiebreak() -> None:
    columns = {"item_number": Item.item_number, "name": Item.name}
    order = parse_sort("-name,item_number", columns, Item.id)
    assert order.fields == ("-name", "item_number")
    rendered = [str(c) for c in order.clauses]
    assert rendered == ["meta_items.name DESC", "meta_items.item_number ASC", "meta_items.id ASC"]


@pytest.mark.parametrize("raw", ["colour", "name,name", "-", "name,"])
def test_sort_refuses_fields_outside_the_allow_list(raw: str) -> None:
    with pytest.raises(Unprocessable) as caught:
        parse_sort(raw, {"name": Item.name}, Item.id)
    assert caught.value.code == "invalid_sort"
    assert caught.value.context["allowed"] == ["name"]
