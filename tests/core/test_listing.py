"""Shared list conventions: strict query strings everywhere, the sort allow-list, the envelope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from yuantus.core.errors import Unprocessable
from yuantus.core.sorting import SortOrder, parse_sort, single_sort_dependency, sort_dependency
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


ItemSort = Annotated[
    SortOrder, sort_dependency({"name": Item.name}, default="name", tiebreak=Item.id)
]


def test_a_route_with_a_sort_dependency_parses_sort_over_http() -> None:
    app = FastAPI()

    @app.get("/things")
    def things(sort: ItemSort) -> list[str]:
        return list(sort.fields)

    with TestClient(app) as client:
        assert client.get("/things").json() == ["name"]
        assert client.get("/things", params={"sort": "-name"}).json() == ["-name"]


def test_a_list_may_break_ties_by_descending_id() -> None:
    order = parse_sort("-name", {"name": Item.name}, Item.id, tiebreak_descending=True)
    assert [str(c) for c in order.clauses] == ["meta_items.name DESC", "meta_items.id DESC"]


def test_a_single_field_sort_names_the_allowed_fields() -> None:
    app = FastAPI()

    @app.get("/groups")
    def groups(
        sort: Annotated[str, single_sort_dependency(("count", "key"), default="-count")],
    ) -> str:
        return sort

    with TestClient(app) as client:
        assert client.get("/groups").json() == "-count"
        assert client.get("/groups", params={"sort": "key"}).json() == "key"
        # a bare app has no error handlers: the refusal surfaces as the exception
        with pytest.raises(Unprocessable) as caught:
            client.get("/groups", params={"sort": "count,key"})
    assert caught.value.code == "invalid_sort"
    assert caught.value.context == {"field": "count,key", "allowed": ["count", "key"]}
