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

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yuantus.core import error_codes as ec
from yuantus.core.error_json import ErrorResponse, clip
from yuantus.core.http import error_body
from yuantus.core.settings import Settings
from yuantus.core.validation import validation_body

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Python refuses to read longer integers (sys.int_info.default_max_str_digits)
_MAX_INT_DIGITS = 4300
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
    """What a number that Python can read but JSON cannot carry was parsed into."""

    def __init__(self, msg: str, kind: str) -> None:
        self.msg = msg
        self.kind = kind


_NON_FINITE = _Marker(_NON_FINITE_MSG, "finite_number")
_LONG_INT = _Marker(f"an integer of more than {_MAX_INT_DIGITS} digits", "int_parsing_size")


def _float(text: str) -> float | _Marker:
    value = float(text)
    return value if math.isfinite(value) else _NON_FINITE


def _constant(_text: str) -> _Marker:
    return _NON_FINITE  # NaN, Infinity, -Infinity


def _int(text: str) -> int | _Marker:
    return int(text) if len(text.lstrip("-")) <= _MAX_INT_DIGITS else _LONG_INT


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
    if query:
        for name, value in parse_qsl(query, keep_blank_values=True):
            if _NUL in name or _NUL in value:
                raise _field_error(["query", name.replace(_NUL, "")], _NUL_MSG, "string_nul")
    for name, value in scope.get("headers", ()):
        if b"\x00" in value:
            raise _field_error(["header", name.decode("latin-1")], _NUL_MSG, "string_nul")


def parse_json(raw: bytes) -> Any:
    """The body read like FastAPI reads it; ValueError when it is no JSON (FastAPI answers)."""
    return json.loads(raw, parse_float=_float, parse_int=_int, parse_constant=_constant)


def check_json(value: Any, limits: InputLimits) -> None:
    """Refuse non-finite numbers, NUL, lone surrogates, deep nesting, oversize `properties`."""
    properties: list[tuple[list[str | int], dict[str, Any]]] = []
    stack: list[tuple[Any, list[str | int], int]] = [(value, ["body"], 0)]
    while stack:
        item, loc, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= limits.depth:
                raise _too_deep(ec.JSON_TOO_DEEP, "the JSON body", loc, limits.depth)
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                if isinstance(key, str) and (problem := _text_problem(key)):
                    raise _field_error([*loc, key], *problem)
                if key == "properties" and isinstance(child, dict):
                    properties.append(([*loc, key], child))
                stack.append((child, [*loc, key], depth + 1))
        elif isinstance(item, str):
            if problem := _text_problem(item):
                raise _field_error(loc, *problem)
        elif isinstance(item, _Marker):
            raise _field_error(loc, item.msg, item.kind)
    for loc, found in properties:
        _check_properties(loc, found, limits)


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


def _depth(value: Any) -> int:
    """Levels of objects and arrays: {} is 1, {"a": [1]} is 2."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _check_properties(loc: list[str | int], value: dict[str, Any], limits: InputLimits) -> None:
    if _depth(value) > limits.properties_depth:
        raise _too_deep(ec.PROPERTIES_TOO_DEEP, "properties", loc, limits.properties_depth)
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
        except ValueError:
            raise _field_error(["body"], "the body is not UTF-8 JSON", "json_invalid") from None
        check_json(value, self.limits)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A receive that hands out the messages already read, then the connection's own."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
