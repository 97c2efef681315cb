"""Strict query strings: a parameter the endpoint does not declare is a 422, never ignored.

`StrictQuery` is installed on the whole application: every route compares the request's
query parameter names with those it declares, its dependencies' included. A route that takes
open-ended parameters (`prop.material=S235`) declares their prefix with `query_prefixes`.

It also refuses a bare number for a date or time parameter: pydantic reads `?since=0.5` as
a Unix timestamp, which no person means by a date (the schema says ISO 8601).
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import (
    AwareDatetime,
    FutureDate,
    FutureDatetime,
    NaiveDatetime,
    PastDate,
    PastDatetime,
)

from yuantus.core import error_codes as ec
from yuantus.core.errors import Unprocessable

_PREFIXES_ATTR = "__yuantus_query_prefixes__"
_declared_by_route: dict[int, tuple[frozenset[str], tuple[str, ...]]] = {}
_temporal_by_route: dict[int, frozenset[str]] = {}
# pydantic's constrained dates are classes of their own, not date subclasses
_PYDANTIC_TEMPORAL = (
    AwareDatetime,
    NaiveDatetime,
    PastDate,
    FutureDate,
    PastDatetime,
    FutureDatetime,
)
_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


def _is_temporal(annotation: Any) -> bool:
    """True for date, datetime (and aware variants), bare or inside Optional/Annotated."""
    if isinstance(annotation, type):
        return issubclass(annotation, (date, *_PYDANTIC_TEMPORAL))
    origin = get_origin(annotation)
    if origin is Annotated:
        return _is_temporal(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return any(_is_temporal(arg) for arg in get_args(annotation))
    return False


def _temporal(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params if _is_temporal(p.field_info.annotation)}
    for sub in dependant.dependencies:
        names |= _temporal(sub)
    return names


def temporal_query_params(route: APIRoute) -> frozenset[str]:
    """The query parameters of a route typed as a date or a time (computed once per route)."""
    key = id(route)
    found = _temporal_by_route.get(key)
    if found is None:
        found = _temporal_by_route[key] = frozenset(_temporal(route.dependant))
    return found


def _declared(dependant: Dependant) -> tuple[set[str], set[str]]:
    """The query parameter names (aliases) and open prefixes a dependant tree declares."""
    names = {param.alias for param in dependant.query_params}
    prefixes = set(getattr(dependant.call, _PREFIXES_ATTR, ()))
    for sub in dependant.dependencies:
        sub_names, sub_prefixes = _declared(sub)
        names |= sub_names
        prefixes |= sub_prefixes
    return names, prefixes


def declared_query_params(route: APIRoute) -> tuple[frozenset[str], tuple[str, ...]]:
    """The query parameters and open prefixes a route accepts (computed once per route)."""
    key = id(route)
    declared = _declared_by_route.get(key)
    if declared is None:
        names, prefixes = _declared(route.dependant)
        declared = _declared_by_route[key] = (frozenset(names), tuple(sorted(prefixes)))
    return declared


def query_prefixes(*prefixes: str) -> Callable[[], None]:
    """A dependency that marks `prefix*` query parameters as known (e.g. `prop.`)."""

    def accepts_prefixed_parameters() -> None:
        """Marker only: the route reads these parameters from the request itself."""

    setattr(accepts_prefixed_parameters, _PREFIXES_ATTR, prefixes)
    return accepts_prefixed_parameters


def reject_unknown_query_params(request: Request) -> None:
    """422 unknown_parameter naming each query parameter the route does not declare."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    names, prefixes = declared_query_params(route)
    unknown = sorted(
        {
            name
            for name in request.query_params
            if name not in names and not name.startswith(prefixes)
        }
    )
    if unknown:
        allowed = sorted(names) + [f"{prefix}*" for prefix in prefixes]
        raise Unprocessable(
            f"unknown query parameters: {', '.join(unknown)}; allowed: {', '.join(allowed)}",
            code=ec.UNKNOWN_PARAMETER,
            context={"parameters": unknown, "allowed": allowed},
        )
    numeric = sorted(
        name
        for name in temporal_query_params(route)
        if any(_NUMBER.fullmatch(value) for value in request.query_params.getlist(name))
    )
    if numeric:
        raise Unprocessable(
            f"{', '.join(numeric)}: a date or time is ISO 8601 (2026-12-03), not a number",
            code=ec.VALIDATION_FAILED,
            context={
                "errors": [
                    {
                        "loc": ["query", name],
                        "msg": "a date or time in ISO 8601, not a number",
                        "type": "date_from_number",
                    }
                    for name in numeric
                ]
            },
        )


StrictQuery = Depends(reject_unknown_query_params)
