"""Strict query strings: a parameter the endpoint does not declare is a 422, never ignored.

`StrictQuery` is installed on the whole application: every route compares the request's
query parameter names with those it declares, its dependencies' included. A route that takes
open-ended parameters (`prop.material=S235`) declares their prefix with `query_prefixes`.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from yuantus.core import error_codes as ec
from yuantus.core.errors import Unprocessable

_PREFIXES_ATTR = "__yuantus_query_prefixes__"
_declared_by_route: dict[int, tuple[frozenset[str], tuple[str, ...]]] = {}


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


StrictQuery = Depends(reject_unknown_query_params)
