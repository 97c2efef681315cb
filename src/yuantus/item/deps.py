"""FastAPI dependencies of the item domain: the revision rule of a structure query."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

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
