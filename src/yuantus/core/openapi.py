"""The OpenAPI document: error answers derived per route, parameter descriptions, offline docs.

Every route gets its error responses from what it is made of, so a new capability package
documents them without writing any:

- 401 / 403: a dependency marked with `raises(401)` / `raises(403)` (identity's current
  user and role guards) anywhere in the route's dependency tree;
- 404: an id in the path, the query (`?product_id=`) or the body (`child_id`): the object it
  names may not exist;
- 409: a write (the request transaction can lose a race; states refuse actions);
- 413: a write, too: its body may be over the JSON body limit or carry oversize `properties`
  (core/inputs.py);
- 403 and 409: a state change (a body extending core/transitions.TransitionRequest): its
  actions are for some roles, from some states;
- 400: a route with a body (a malformed multipart body FastAPI cannot decode);
- 413: a file upload;
- 422: every route (strict query strings are app-wide; bodies and params are validated).

Path parameters and enum-typed filters without a description get one derived from their
name or allowed values.

A route adds or overrides one with `responses={409: {"description": "..."}}`; the error
schema is filled in when the route gives none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar, cast, get_args

from fastapi import FastAPI, params, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from yuantus.core.transitions import TransitionRequest
from yuantus.core.validation import ValidationErrorBody

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_RAISES_ATTR = "__yuantus_raises__"
F = TypeVar("F", bound=Callable[..., Any])

DESCRIPTIONS: dict[int, str] = {
    400: "The body cannot be parsed: JSON that is not UTF-8, or malformed multipart data.",
    401: "Not authenticated: the bearer token is missing, malformed, expired or revoked.",
    403: "The user lacks a role the action needs (`context.required_roles`).",
    404: "An object named in the path, the query or the body does not exist.",
    409: "The object's state or a concurrent change conflicts with the request.",
    413: "The upload, the JSON body or a `properties` object is over its configured size limit.",
    422: "The query, path or body is invalid: an unknown parameter, a failed check or a rule.",
}


class ErrorDetail(BaseModel):
    """What went wrong: a stable `code`, a readable `message` and structured `context`."""

    code: str = Field(description="a catalogue code (docs/errors.md), e.g. item_not_found")
    message: str = Field(description="a human-readable explanation")
    context: dict[str, Any] = Field(description="the values the code is about (ids, allowed...)")


class ErrorBody(BaseModel):
    """The body of every error answer."""

    detail: ErrorDetail


def raises(*statuses: int) -> Callable[[F], F]:
    """Mark a dependency as answering these error statuses (documented on every route using it)."""

    def mark(func: F) -> F:
        setattr(func, _RAISES_ATTR, frozenset(statuses))
        return func

    return mark


class RouteLike(Protocol):
    """What this module reads of a route (an APIRoute, or FastAPI's view of an included one)."""

    path_format: str
    methods: set[str]
    dependant: Dependant
    responses: dict[int | str, dict[str, Any]]
    include_in_schema: bool


def api_routes(app: FastAPI) -> Iterator[RouteLike]:
    """The app's API routes as mounted (prefixes and router dependencies applied)."""
    contexts = getattr(routing, "iter_route_contexts", None)
    if contexts is None:  # FastAPI before included-router contexts: routes are copied
        for route in app.routes:
            if isinstance(route, APIRoute):
                yield cast(RouteLike, route)
        return
    for context in contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            yield cast(RouteLike, context)


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def _is_upload(route: RouteLike) -> bool:
    return any(isinstance(f.field_info, params.File) for f in route.dependant.body_params)


def _body_models(route: RouteLike) -> list[type[BaseModel]]:
    out = []
    for field in route.dependant.body_params:
        annotation = field.field_info.annotation
        for candidate in (annotation, *get_args(annotation)):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                out.append(candidate)
    return out


def _names_an_id(route: RouteLike) -> bool:
    """A path parameter, or a query parameter or body field ending in `_id`."""
    if route.dependant.path_params:
        return True
    queries = {p.alias for d in _dependants(route.dependant) for p in d.query_params}
    fields = {name for model in _body_models(route) for name in model.model_fields}
    return any(name.endswith("_id") for name in queries | fields)


def _is_transition(route: RouteLike) -> bool:
    return any(issubclass(model, TransitionRequest) for model in _body_models(route))


def error_statuses(route: RouteLike) -> set[int]:
    """The error statuses a route can answer, derived from its dependencies, path and method."""
    statuses = {422}
    for dependant in _dependants(route.dependant):
        statuses |= getattr(dependant.call, _RAISES_ATTR, frozenset())
    if _names_an_id(route):
        statuses.add(404)
    if route.methods & WRITE_METHODS:
        statuses |= {409, 413}
    if _is_transition(route):
        statuses |= {403, 409}
    if route.dependant.body_params:
        # FastAPI answers 400 before validation when it cannot even decode the body
        statuses.add(400)
    if _is_upload(route):
        statuses.add(413)
    return statuses


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _register(schema: dict[str, Any], *models: type[BaseModel]) -> None:
    """Put the models (and the models they use) in components/schemas."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in models:
        body = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(body.pop("$defs", {}))
        schemas[model.__name__] = body
    for old in ("HTTPValidationError", "ValidationError"):
        schemas.pop(old, None)


def _error_content(status: int) -> dict[str, Any]:
    if status == 422:
        # a schema mismatch carries the field errors; a rule or unknown parameter its context
        schema: dict[str, Any] = {"anyOf": [_ref(ValidationErrorBody), _ref(ErrorBody)]}
    else:
        schema = _ref(ErrorBody)
    return {"application/json": {"schema": schema}}


def document_errors(schema: dict[str, Any], route: RouteLike) -> None:
    """Add the derived error responses to a route's operations; those it declares win."""
    declared = {int(s) for s in route.responses if str(s).isdigit() and int(s) >= 400}
    operations = schema.get("paths", {}).get(route.path_format, {})
    for method in route.methods:
        operation = operations.get(method.lower())
        if operation is None:
            continue
        answers = operation.setdefault("responses", {})
        for status in sorted(error_statuses(route) | declared):
            answer = answers.setdefault(str(status), {})
            if answer.get("description") in (None, "", "Validation Error"):
                answer["description"] = DESCRIPTIONS.get(status, "An error.")
            if status == 422 or "content" not in answer:
                answer["content"] = _error_content(status)


def _humanize(name: str) -> str:
    """`workorder_id` -> "id of the workorder"; `item_number` -> "the item number"."""
    if name.endswith("_id"):
        return f"id of the {name.removesuffix('_id').replace('_', ' ')}"
    return "the " + re.sub(r"_+", " ", name)


def _choices(schema: dict[str, Any], components: dict[str, Any]) -> list[str]:
    """The allowed values of an enum/Literal parameter schema (through $ref and anyOf)."""
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    if "enum" in schema:
        return [str(v) for v in schema["enum"]]
    return [v for sub in schema.get("anyOf", []) for v in _choices(sub, components)]


def describe_params(schema: dict[str, Any]) -> None:
    """Describe undescribed parameters from what they are: path ids by name, enums by values."""
    components = schema.get("components", {}).get("schemas", {})
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for param in operation.get("parameters", []):
                if param.get("description"):
                    continue
                if param.get("in") == "path":
                    param["description"] = _humanize(param["name"])
                elif choices := _choices(param.get("schema", {}), components):
                    param["description"] = f"one of: {', '.join(choices)}"


def install(app: FastAPI) -> None:
    """Document errors and path parameters in /openapi.json (once, when it is generated)."""
    generate = app.openapi
    done: list[bool] = []

    def openapi() -> dict[str, Any]:
        schema = generate()  # FastAPI caches it in app.openapi_schema
        if not done:
            _register(schema, ErrorBody, ValidationErrorBody)
            for route in api_routes(app):
                if route.include_in_schema:
                    document_errors(schema, route)
            describe_params(schema)
            done.append(True)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
