"""Error bodies that always render: whatever a context carries, the answer is valid JSON."""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi.responses import JSONResponse

# an error answer describes the request; it never carries a large part of it back
MAX_TEXT_CHARS = 1000
_MAX_DEPTH = 16
_MAX_ITEMS = 200


def clip(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """`text` as valid UTF-8 (lone surrogates escaped), cut to `limit` characters."""
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text)} characters)"
    if not text.isascii():
        # a lone surrogate cannot be encoded: show it as the escape the client sent
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def jsonable(value: Any, depth: int = 0) -> Any:
    """A copy of `value` that json.dumps(allow_nan=False) encodes and UTF-8 can carry."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return clip(value)
    if isinstance(value, bytes | bytearray):
        return clip(bytes(value[: MAX_TEXT_CHARS * 4]).decode("utf-8", "replace"))
    if depth >= _MAX_DEPTH:
        return "…"
    if isinstance(value, dict):
        pairs = list(value.items())[:_MAX_ITEMS]
        return {clip(str(k), 200): jsonable(v, depth + 1) for k, v in pairs}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v, depth + 1) for v in list(value)[:_MAX_ITEMS]]
    return clip(str(value))


class ErrorResponse(JSONResponse):
    """A JSONResponse for error bodies: cleaned first, so rendering can never fail."""

    def render(self, content: Any) -> bytes:
        """The compact UTF-8 JSON of the cleaned body."""
        return json.dumps(
            jsonable(content), ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode("utf-8")
