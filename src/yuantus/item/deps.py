"""FastAPI dependencies of the item domain: a structure query's revision rule, property filters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from yuantus.core.query import query_prefixes
from yuantus.item.revision_rules import RULE_KINDS, RevisionRule, parse_rule


def revision_rule(
    rule: Annotated[
        str | None,
        Query(description=f"{', '.join(RULE_KINDS)}; the root revision's default when omitted"),
    ] = None,
    as_of: Annotated[
        str | None,
        Query(description="ISO 8601 time with a UTC offset: the revisions effective then"),
    ] = None,
) -> RevisionRule | None:
    """The revision rule the query asks for (None: the default of the root's state)."""
    return parse_rule(rule, as_of)


RuleDep = Annotated[RevisionRule | None, Depends(revision_rule)]


PROPERTY_PREFIX = "prop."


def property_filters(
    request: Request, _accepts: Annotated[None, Depends(query_prefixes(PROPERTY_PREFIX))]
) -> list[tuple[str, str]]:
    """`prop.<key>=<value>` query parameters as (key, value) pairs, repeated keys kept."""
    return [
        (name.removeprefix(PROPERTY_PREFIX), value)
        for name, value in request.query_params.multi_items()
        if name.startswith(PROPERTY_PREFIX)
    ]


PropertyFilters = Annotated[list[tuple[str, str]], Depends(property_filters)]
