"""Item search (`q`), the creator and property filters, and sort, over HTTP on both databases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.helpers import release_four_eyes
from yuantus.core.db import Database
from yuantus.identity.models import User
from yuantus.item import service as item_service

Client = Callable[[str], TestClient]
ITEMS = "/api/v1/items"

PARTS: list[dict[str, Any]] = [
    {
        "item_number": "SB-100",
        "name": "Steel bracket",
        "description": "Laser cut",
        "properties": {"material": "S235", "thickness": 5, "coated": True},
    },
    {"item_number": "AB-200", "name": "Aluminium bracket", "properties": {"material": "AlMg3"}},
    {
        "item_number": "HB-300",
        "name": "Hex bolt M8",
        "description": "zinc plated steel",
        "properties": {"material": "8.8", "finish": {"type": "zinc", "microns": [8, 12]}},
    },
]


@pytest.fixture
def catalogue(as_user: Client) -> dict[str, str]:
    """Three parts and a document (engineer), and one part the admin created; ids by number."""
    engineer = as_user("engineer")
    ids = {}
    for body in PARTS:
        response = engineer.post(ITEMS, json={"item_type": "Part", **body})
        assert response.status_code == 201, response.text
        ids[body["item_number"]] = response.json()["id"]
    drawing = {"item_type": "Document", "item_number": "DWG-400", "name": "Bracket drawing"}
    ids["DWG-400"] = engineer.post(ITEMS, json=drawing).json()["id"]
    mine = {"item_type": "Part", "item_number": "AD-500", "name": "Admin washer"}
    ids["AD-500"] = as_user("admin").post(ITEMS, json=mine).json()["id"]
    return ids


def numbers(client: TestClient, **params: Any) -> list[str]:
    """The item numbers a list answers, in its order."""
    response = client.get(ITEMS, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return [row["item_number"] for row in body["items"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Documents sort before Parts (item_type, item_number, revision by default)
        ("bracket", ["DWG-400", "AB-200", "SB-100"]),
        ("BRACKET", ["DWG-400", "AB-200", "SB-100"]),
        ("steel", ["HB-300", "SB-100"]),  # a name, a description
        ("s235", ["SB-100"]),  # a property value, any case
        ("steel bracket", ["SB-100"]),  # every word must occur
        ("bracket   steel", ["SB-100"]),
        ("zinc", ["HB-300"]),  # description and a nested property
        ("aser", ["SB-100"]),  # a substring inside a word
        ("hb-3", ["HB-300"]),  # the number
        ("m8", ["HB-300"]),  # 2 characters: below a trigram, a scan
        ("5", ["AD-500", "SB-100"]),  # the number 500, the thickness 5
        ("true", ["SB-100"]),  # a boolean property as JSON spells it
        ("12", ["HB-300"]),  # inside a nested list
        ("material", []),  # property keys are not searched
        ("%", []),  # LIKE wildcards are literal
        ("_", []),
        ('"', []),  # FTS quoting
        ('steel"', []),
        ("nothing-like-this", []),
    ],
)
def test_q_searches_number_name_description_and_property_values(
    as_user: Client, catalogue: dict[str, str], q: str, expected: list[str]
) -> None:
    assert numbers(as_user("viewer"), q=q) == expected


def test_q_follows_edits_and_revisions(
    as_user: Client, catalogue: dict[str, str], database: Database, users: dict[str, User]
) -> None:
    engineer, viewer = as_user("engineer"), as_user("viewer")
    item_id = catalogue["SB-100"]
    patch = {"name": "Steel plate", "properties": {"material": "S355"}}
    assert engineer.patch(f"{ITEMS}/{item_id}", json=patch).status_code == 200
    assert numbers(viewer, q="bracket") == ["DWG-400", "AB-200"]
    assert numbers(viewer, q="plate s355") == ["SB-100"]
    assert numbers(viewer, q="s235") == []
    with database.scope() as s:
        release_four_eyes(s, item_service.get(s, item_id), users["engineer"])
    revised = engineer.post(f"{ITEMS}/{item_id}/revise")
    assert revised.status_code == 201, revised.text
    rows = viewer.get(ITEMS, params={"q": "s355", "current_only": "false"}).json()["items"]
    assert [(r["item_number"], r["revision"]) for r in rows] == [("SB-100", "A"), ("SB-100", "B")]


def test_q_combines_with_filters_sort_and_paging(
    as_user: Client, catalogue: dict[str, str]
) -> None:
    viewer = as_user("viewer")
    assert numbers(viewer, q="bracket", item_type="Part") == ["AB-200", "SB-100"]
    assert numbers(viewer, q="bracket", sort="-name") == ["SB-100", "DWG-400", "AB-200"]
    body = viewer.get(ITEMS, params={"q": "bracket", "limit": 1, "offset": 1}).json()
    assert [r["item_number"] for r in body["items"]] == ["AB-200"]
    assert (body["total"], body["limit"], body["offset"]) == (3, 1, 1)


def test_created_by_takes_a_username_or_a_user_id(
    as_user: Client, catalogue: dict[str, str], users: dict[str, User]
) -> None:
    viewer = as_user("viewer")
    assert numbers(viewer, created_by="admin") == ["AD-500"]
    assert numbers(viewer, created_by=users["admin"].id) == ["AD-500"]
    assert numbers(viewer, created_by="engineer", q="bracket") == ["DWG-400", "AB-200", "SB-100"]
    assert numbers(viewer, created_by="nobody") == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"prop.material": "S235"}, ["SB-100"]),
        ({"prop.material": "s235"}, []),  # exact, case and all
        ({"prop.thickness": "5"}, ["SB-100"]),  # a number as JSON writes it
        ({"prop.coated": "true"}, ["SB-100"]),
        ({"prop.material": "8.8"}, ["HB-300"]),
        ({"prop.colour": "red"}, []),
        ({"prop.material": "AlMg3", "q": "bracket"}, ["AB-200"]),
        ({"prop.material": "S235", "prop.thickness": "5"}, ["SB-100"]),
        ({"prop.material": "S235", "prop.thickness": "6"}, []),
    ],
)
def test_property_filters_match_the_json_value_as_text(
    as_user: Client, catalogue: dict[str, str], params: dict[str, str], expected: list[str]
) -> None:
    assert numbers(as_user("viewer"), **params) == expected


def test_a_repeated_property_filter_must_match_every_value(
    as_user: Client, catalogue: dict[str, str]
) -> None:
    query = "prop.material=S235&prop.material=AlMg3"
    assert as_user("viewer").get(f"{ITEMS}?{query}").json()["total"] == 0


@pytest.mark.parametrize("name", ["prop.", "prop.a b", "prop.a.b", "prop." + "k" * 65])
def test_a_malformed_property_key_is_refused(
    as_user: Client, catalogue: dict[str, str], name: str
) -> None:
    response = as_user("viewer").get(ITEMS, params={name: "x"})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail["code"] == "invalid_property_filter"
    assert detail["context"]["parameter"] == name


def test_items_sort_by_an_allowed_field_then_by_id(
    as_user: Client, catalogue: dict[str, str]
) -> None:
    viewer = as_user("viewer")
    assert numbers(viewer, sort="name") == ["AD-500", "AB-200", "DWG-400", "HB-300", "SB-100"]
    assert numbers(viewer, sort="-item_number") == [
        "SB-100",
        "HB-300",
        "DWG-400",
        "AD-500",
        "AB-200",
    ]
    detail = viewer.get(ITEMS, params={"sort": "colour"}).json()["detail"]
    assert detail["code"] == "invalid_sort"
    assert "item_number" in detail["context"]["allowed"]


def test_the_search_index_is_kept_by_the_database(database: Database) -> None:
    """SQLite: the FTS5 table and its triggers exist at head (a batch rebuild drops them)."""
    with database.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            found = conn.execute(
                text(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_meta_items_search_trgm'"
                )
            ).scalar_one()
            assert "gin_trgm_ops" in found
            return
        triggers = conn.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'meta_items'"
            )
        ).scalars()
        assert {"meta_items_fts_ai", "meta_items_fts_au", "meta_items_fts_ad"} <= set(triggers)


def test_a_selective_q_is_answered_from_the_index(
    catalogue: dict[str, str], database: Database
) -> None:
    """EXPLAIN: PostgreSQL reads the pg_trgm GIN index, SQLite the FTS5 table."""
    from sqlalchemy import select

    from yuantus.item.listing import search_clauses
    from yuantus.item.models import Item

    with database.session() as s:
        query = select(Item.id).where(*search_clauses(s, "s235"))
        compiled = query.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
        if s.get_bind().dialect.name == "postgresql":
            # five rows: without this the planner rightly prefers a scan of the one page
            s.execute(text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(s.execute(text(f"EXPLAIN {compiled}")).scalars())
            assert "ix_meta_items_search_trgm" in plan, plan
        else:
            rows = s.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
            plan = "\n".join(str(row[-1]) for row in rows)
            # `f` is meta_items_fts; index 0:M is its MATCH
            assert "SCAN f VIRTUAL TABLE INDEX 0:M" in plan, plan
        assert list(s.scalars(query)) == [catalogue["SB-100"]]
