"""The item list: filters, `q` search over the search text, sort and paging, all in SQL.

`q` is split into words; an item matches when every word occurs (case-insensitively, as a
substring) in its search text: number, name, description and property values
(item/searchtext.py). PostgreSQL answers it from a pg_trgm GIN index (LIKE '%word%'),
SQLite from an FTS5 trigram table; words shorter than 3 characters have no trigram and fall
back to a scan of the search text column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, String, cast, func, literal, or_, select, text
from sqlalchemy.orm import Session

from yuantus.core.errors import Unprocessable, invalid_filter
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.identity.models import User
from yuantus.item import codes
from yuantus.item.models import ITEM_TYPES, STATES, Item
from yuantus.item.searchtext import terms

PROPERTY_KEY = re.compile(r"^[\w-]{1,64}$")
TRIGRAM = 3


def list_items(
    session: Session,
    page: PageParams,
    *,
    item_type: str | None = None,
    state: str | None = None,
    q: str | None = None,
    current_only: bool = True,
    created_by: str | None = None,
    properties: Sequence[tuple[str, str]] = (),
    sort: SortOrder | None = None,
) -> tuple[list[Item], int]:
    """Items by type, state, creator, property values and `q`, by type and number by default."""
    query: Select[Any] = select(Item)
    if item_type:
        if item_type not in ITEM_TYPES:
            raise invalid_filter("item_type", ITEM_TYPES)
        query = query.where(Item.item_type == item_type)
    if state:
        if state not in STATES:
            raise invalid_filter("state", STATES)
        query = query.where(Item.state == state)
    if q:
        query = query.where(*search_clauses(session, q))
    if current_only:
        query = query.where(Item.is_current)
    if created_by:
        # a user id or a username: ids are UUIDs, usernames never look like one
        creators = select(User.id).where(or_(User.id == created_by, User.username == created_by))
        query = query.where(Item.created_by.in_(creators))
    for key, value in properties:
        query = query.where(property_text(session, key) == value)
    query = query.order_by(Item.item_type, Item.item_number, Item.generation, Item.id)
    return paginate(session, query, page, sort)


def search_clauses(session: Session, q: str) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a `q`: each word a substring of the search text."""
    words = terms(q)
    if session.get_bind().dialect.name == "postgresql":
        # LIKE with the default backslash escape: a constant pattern the trigram index serves
        return [Item.search_text.like(f"%{_escape(w)}%") for w in words]
    indexed = [w for w in words if len(w) >= TRIGRAM]
    clauses: list[ColumnElement[bool]] = [
        Item.search_text.contains(w, autoescape=True) for w in words if len(w) < TRIGRAM
    ]
    if indexed:
        match = " AND ".join('"' + w.replace('"', '""') + '"' for w in indexed)
        matching = text(
            "SELECT m.item_id FROM meta_items_fts f "
            "JOIN meta_items_fts_map m ON m.rowid = f.rowid "
            "WHERE meta_items_fts MATCH :match"
        ).bindparams(match=match)
        clauses.insert(0, Item.id.in_(matching.columns(item_id=String)))
    return clauses


def _escape(word: str) -> str:
    """A word as a literal LIKE pattern (PostgreSQL's default escape is the backslash)."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def property_text(session: Session, key: str) -> ColumnElement[Any]:
    """An item property's JSON value as text: strings bare, numbers and booleans as JSON."""
    if not PROPERTY_KEY.match(key):
        raise Unprocessable(
            f"property filter key {key!r} is malformed: use letters, digits, _ and -",
            code=codes.INVALID_PROPERTY_FILTER,
            context={"parameter": f"prop.{key}", "key": key},
        )
    if session.get_bind().dialect.name == "postgresql":
        return Item.properties.op("->>", return_type=String)(literal(key))
    path = literal(f'$."{key}"')
    kind = func.json_type(Item.properties, path)
    # json_extract answers SQL values: 1 for true, 235 for "235"'s number; spell them as JSON
    return cast(
        func.iif(
            kind == "true",
            "true",
            func.iif(kind == "false", "false", func.json_extract(Item.properties, path)),
        ),
        String,
    )
