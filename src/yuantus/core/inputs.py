"""What no endpoint receives: checked once for every request, before routing.

- NUL characters, in the path, the query, a header or any JSON string or key: PostgreSQL
  cannot store them in text, so they are refused on both databases alike (422);
- lone UTF-16 surrogates (`"\\ud800"`) in JSON strings: not text, no database encodes them;
- non-finite numbers (`NaN`, `Infinity`, `1e999`): Python's json reads them, JSON has none;
- a body over `max_json_body_bytes` (413), JSON nested deeper than `max_json_depth`, and
  `properties` objects over their size (413) or depth caps (422) wherever a body has one.

Uploads (multipart) keep their own limits (core/settings.py) and are not read here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yuantus.core import error_codes as ec
from yuantus.core.error_json import ErrorResponse, clip
from yuantus.core.http import error_body
from yuantus.core.settings import Settings
from yuantus.core.validation import validation_body

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_INLINE_BYTES = 64 * 1024
_NUL = "\x00"
_NON_FINITE_MSG = "NaN and infinite numbers are not accepted; JSON has no such numbers"
_SURROGATE_MSG = "a lone UTF-16 surrogate (\\ud800-\\udfff) is not text"
_NUL_MSG = "the NUL character (\\u0000) is not accepted"


@dataclass(frozen=True)
class InputLimits:
    """The caps of core/settings.py the guard applies."""

    body_bytes: int
    depth: int
    properties_bytes: int
    properties_depth: int

    @classmethod
    def of(cls, settings: Settings) -> InputLimits:
        """The limits configured in `settings`."""
        return cls(
            settings.max_json_body_bytes,
            settings.max_json_depth,
            settings.max_properties_bytes,
            settings.max_properties_depth,
        )


class Refused(Exception):
    """The request is answered `status` with `body` without reaching an endpoint."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


class _Marker:
    """What NaN, Infinity and -Infinity are parsed into: found, with their place, by the walk."""


_NON_FINITE = _Marker()


def _constant(_text: str) -> _Marker:
    return _NON_FINITE


def _field_error(loc: list[str | int], msg: str, kind: str) -> Refused:
    return Refused(422, validation_body([{"loc": loc, "msg": msg, "type": kind}]))


def _text_problem(text: str) -> tuple[str, str] | None:
    """(message, type) when a string holds a NUL or a lone surrogate."""
    if _NUL in text:
        return _NUL_MSG, "string_nul"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return _SURROGATE_MSG, "string_surrogate"
    return None


def check_target(scope: Scope) -> None:
    """Refuse a NUL in the path, a query parameter or a header (they reach SQL as text)."""
    if _NUL in scope.get("path", ""):
        raise _field_error(["path"], _NUL_MSG, "string_nul")
    query = scope.get("query_string", b"").decode("latin-1")
    if "%00" in query or _NUL in query:
        for name, value in parse_qsl(query, keep_blank_values=True):
            if _NUL in name or _NUL in value:
                raise _field_error(["query", name.replace(_NUL, "")], _NUL_MSG, "string_nul")
    for name, value in scope.get("headers", ()):
        if b"\x00" in value:
            raise _field_error(["header", name.decode("latin-1")], _NUL_MSG, "string_nul")


def parse_json(raw: bytes) -> Any:
    """The body read like FastAPI reads it; ValueError when it is no JSON (FastAPI answers)."""
    return json.loads(raw, parse_constant=_constant)


def check_json(value: Any, limits: InputLimits) -> None:
    """Refuse non-finite numbers, NUL, lone surrogates, deep nesting, oversize `properties`.

    One pass over the containers; leaves are tested in place with cheap C-level checks, and
    a location is only built for the answer.
    """
    _check_leaf(value, ["body"])
    if not isinstance(value, dict | list):
        return
    nodes: list[tuple[int, str | int]] = [(-1, "body")]  # (parent node, key) of each container
    properties: list[tuple[int, dict[str, Any]]] = []
    # (container, its node, its depth, node and depth of the `properties` it is in, or -1, 0)
    stack: list[tuple[Any, int, int, int, int]] = [(value, 0, 1, -1, 0)]
    while stack:
        item, node, depth, props, props_depth = stack.pop()
        if depth > limits.depth:
            raise _too_deep(ec.JSON_TOO_DEEP, "the JSON body", _loc(nodes, node), limits.depth)
        if props >= 0 and depth - props_depth >= limits.properties_depth:
            loc = _loc(nodes, props)
            raise _too_deep(ec.PROPERTIES_TOO_DEEP, "properties", loc, limits.properties_depth)
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        for key, child in pairs:
            if type(key) is str and (_NUL in key or not key.isascii()):
                _check_leaf(key, [*_loc(nodes, node), key])
            kind = type(child)
            if kind is dict or kind is list:
                nodes.append((node, key))
                child_node = len(nodes) - 1
                if props < 0 and key == "properties" and kind is dict:
                    properties.append((child_node, child))
                    stack.append((child, child_node, depth + 1, child_node, depth + 1))
                else:
                    stack.append((child, child_node, depth + 1, props, props_depth))
            elif kind is str:
                if _NUL in child or not child.isascii():
                    _check_leaf(child, [*_loc(nodes, node), key])
            elif child is _NON_FINITE or (kind is float and not math.isfinite(child)):
                _check_leaf(child, [*_loc(nodes, node), key])
    for node, found in properties:
        _check_size(_loc(nodes, node), found, limits)


def _check_leaf(value: Any, loc: list[str | int]) -> None:
    if isinstance(value, str):
        if (_NUL in value or not value.isascii()) and (problem := _text_problem(value)):
            raise _field_error(loc, *problem)
    elif value is _NON_FINITE or (isinstance(value, float) and not math.isfinite(value)):
        raise _field_error(loc, _NON_FINITE_MSG, "finite_number")


def _loc(nodes: list[tuple[int, str | int]], node: int) -> list[str | int]:
    """The location of a container, from the root ("body")."""
    loc: list[str | int] = []
    while node >= 0:
        node, key = nodes[node]
        loc.append(key)
    return loc[::-1]


def _too_deep(code: str, what: str, loc: list[str | int], limit: int) -> Refused:
    loc = [p if isinstance(p, int) else clip(p, 64) for p in loc]
    where = clip(".".join(str(p) for p in loc), 200)
    return Refused(
        422,
        error_body(
            code,
            f"{what} is nested more than {limit} levels deep (at {where})",
            {"loc": loc, "limit": limit},
        ),
    )


def _check_size(loc: list[str | int], value: dict[str, Any], limits: InputLimits) -> None:
    size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    if size > limits.properties_bytes:
        raise Refused(
            413,
            error_body(
                ec.PROPERTIES_TOO_LARGE,
                f"properties take {size} bytes as JSON; the limit is {limits.properties_bytes}",
                {"loc": loc, "bytes": size, "limit": limits.properties_bytes},
            ),
        )


def _too_large(limit: int) -> Refused:
    return Refused(
        413,
        error_body(
            ec.BODY_TOO_LARGE,
            f"the request body is over {limit} bytes (uploads have their own limit)",
            {"limit": limit},
        ),
    )


def _media_type(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            text: str = value.decode("latin-1")
            return text.split(";", 1)[0].strip().lower()
    return ""


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


async def _read_body(scope: Scope, receive: Receive, limit: int) -> list[Message]:
    """The request's body messages, refused as soon as they pass `limit` bytes."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            raise _too_large(limit)
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages
        size += len(message.get("body", b""))
        if size > limit:
            raise _too_large(limit)
        if not message.get("more_body", False):
            return messages


class InputGuardMiddleware:
    """ASGI middleware applying the checks above; the endpoint then sees the body unchanged."""

    def __init__(self, app: ASGIApp, limits: InputLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a refused request at once; replay a checked body to the application."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            check_target(scope)
            media_type = _media_type(scope)
            if scope["method"] not in _BODY_METHODS or media_type.startswith("multipart/"):
                await self.app(scope, receive, send)
                return
            messages = await _read_body(scope, receive, self.limits.body_bytes)
            raw = b"".join(m.get("body", b"") for m in messages)
            if raw and _is_json(media_type):
                if len(raw) > _INLINE_BYTES:
                    # a large body takes the walk tens of milliseconds: off the event loop
                    await run_in_threadpool(self._check_body, raw)
                else:
                    self._check_body(raw)
        except Refused as refused:
            await ErrorResponse(refused.body, status_code=refused.status)(scope, receive, send)
            return
        await self.app(scope, _replay(messages, receive), send)

    def _check_body(self, raw: bytes) -> None:
        try:
            value = parse_json(raw)
        except RecursionError:
            limit = self.limits.depth
            raise _too_deep(ec.JSON_TOO_DEEP, "the JSON body", ["body"], limit) from None
        except json.JSONDecodeError:
            return  # FastAPI answers 422 json_invalid with the position, as for any bad JSON
        except ValueError as exc:
            # not UTF-8, or an integer of more than 4,300 digits (Python refuses to read it)
            msg = f"the body is not readable JSON: {clip(str(exc), 150)}"
            raise _field_error(["body"], msg, "json_invalid") from None
        check_json(value, self.limits)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A receive that hands out the messages already read, then the connection's own."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
