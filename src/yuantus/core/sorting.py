"""`sort=field,-field` on list endpoints: an allow-list of fields and a unique tiebreak."""

# no `from __future__ import annotations`: the `sort` parameter's annotation refers to the
# enclosing call's values, which FastAPI must see evaluated

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import InstrumentedAttribute

from yuantus.core import error_codes as ec
from yuantus.core.errors import Unprocessable

# a model attribute (Item.name) or any SQL expression
Sortable = ColumnElement[Any] | InstrumentedAttribute[Any]


@dataclass(frozen=True)
class SortOrder:
    """A parsed `sort`: the fields as asked (`-` for descending) and their ORDER BY clauses."""

    fields: tuple[str, ...]
    clauses: tuple[ColumnElement[Any], ...]

    def apply(self, query: Select[Any]) -> Select[Any]:
        """The query ordered by this sort (any earlier ORDER BY is replaced)."""
        return query.order_by(None).order_by(*self.clauses)


def parse_sort(
    raw: str,
    columns: Mapping[str, Sortable],
    tiebreak: Sortable,
    *,
    tiebreak_descending: bool = False,
) -> SortOrder:
    """Parse `a,-b` against the allow-list; 422 invalid_sort for an unknown or repeated field."""
    fields: list[str] = []
    clauses: list[ColumnElement[Any]] = []
    seen: set[str] = set()
    for token in (part.strip() for part in raw.split(",")):
        name = token.removeprefix("-")
        if name not in columns or name in seen:
            reason = "repeated" if name in seen else "not sortable"
            raise Unprocessable(
                f"sort field {token!r} is {reason}; allowed: {', '.join(columns)}",
                code=ec.INVALID_SORT,
                context={"field": token, "allowed": list(columns)},
            )
        seen.add(name)
        fields.append(token)
        column = columns[name]
        clauses.append(column.desc() if token.startswith("-") else column.asc())
    # a unique last key: pages never overlap or skip rows that tie on the asked fields
    clauses.append(tiebreak.desc() if tiebreak_descending else tiebreak.asc())
    return SortOrder(tuple(fields), tuple(clauses))


def sort_dependency(
    columns: Mapping[str, Sortable],
    *,
    default: str,
    tiebreak: Sortable,
    tiebreak_descending: bool = False,
) -> Any:
    """A `sort` query parameter for one list: `Annotated[SortOrder, sort_dependency(...)]`."""
    allowed = ", ".join(columns)
    # a bad default fails at import, not per request
    parse_sort(default, columns, tiebreak, tiebreak_descending=tiebreak_descending)

    query = Query(
        max_length=300,
        description=f"comma-separated fields, `-` for descending; one of: {allowed}",
        examples=[default],
    )

    def sort_order(sort: Annotated[str | None, query] = None) -> SortOrder:
        """The list's ORDER BY from `sort`, or its default."""
        return parse_sort(
            sort or default, columns, tiebreak, tiebreak_descending=tiebreak_descending
        )

    return Depends(sort_order)


def single_sort_dependency(fields: tuple[str, ...], *, default: str) -> Any:
    """A `sort` of one field (`-` for descending) for lists ordered outside SQL columns.

    Answers the validated token; 422 invalid_sort like `sort_dependency` otherwise.
    """
    query = Query(
        max_length=64,
        description=f"one field, `-` for descending; one of: {', '.join(fields)}",
        examples=[default],
    )

    def sort_field(sort: Annotated[str | None, query] = None) -> str:
        """The asked sort token, or the default."""
        token = (sort or default).strip()
        if token.removeprefix("-") not in fields:
            raise Unprocessable(
                f"sort {token!r} is not one field of: {', '.join(fields)}",
                code=ec.INVALID_SORT,
                context={"field": token, "allowed": list(fields)},
            )
        return token

    return Depends(sort_field)
