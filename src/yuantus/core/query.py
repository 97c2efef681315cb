"""Strict query strings: a parameter the endpoint does not declare is a 422, never ignored.

`StrictQuery` is a dependency for a route (or a whole router): it compares the request's
query parameter names with those the route declares, its dependencies' included.
"""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from yuantus.core import error_codes as ec
from yuantus.core.errors import Unprocessable

_declared_by_route: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    """The query parameter names (aliases) a dependant and its sub-dependencies declare."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def declared_query_params(route: APIRoute) -> frozenset[str]:
    """The query parameters a route accepts (computed once per route)."""
    key = id(route)
    declared = _declared_by_route.get(key)
    if declared is None:
        declared = _declared_by_route[key] = frozenset(_query_names(route.dependant))
    return declared


def reject_unknown_query_params(request: Request) -> None:
    """422 unknown_query_parameters naming each query parameter the route does not declare."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    declared = declared_query_params(route)
    unknown = sorted({name for name in request.query_params if name not in declared})
    if unknown:
        raise Unprocessable(
            f"unknown query parameters: {', '.join(unknown)}",
            code=ec.UNKNOWN_QUERY_PARAMETERS,
            context={"parameters": unknown, "allowed": sorted(declared)},
        )


StrictQuery = Depends(reject_unknown_query_params)
