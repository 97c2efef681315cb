"""Event type patterns: `eco.*`, `*.released`, `item.released`, `*`."""

from __future__ import annotations

import re
from collections.abc import Iterable

from yuantus.core.errors import Unprocessable
from yuantus.event import codes

_VALID = re.compile(r"^[A-Za-z0-9_.*-]{1,64}$")


def check_patterns(patterns: Iterable[str]) -> list[str]:
    """The patterns, trimmed and de-duplicated in order; 422 invalid_event_pattern otherwise."""
    out: list[str] = []
    for raw in patterns:
        pattern = raw.strip()
        if not _VALID.match(pattern):
            raise Unprocessable(
                f"event type pattern {raw!r} may only hold letters, digits and `._-*`",
                code=codes.INVALID_EVENT_PATTERN,
                context={"pattern": raw},
            )
        if pattern not in out:
            out.append(pattern)
    if not out:
        raise Unprocessable(
            "give at least one event type pattern (`*` for all)", code=codes.INVALID_EVENT_PATTERN
        )
    return out


def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$")


def matches(patterns: Iterable[str], event_type: str) -> bool:
    """True when a pattern matches the type (`*` spans any characters, dots included)."""
    return any(_regex(p).match(event_type) for p in patterns)


def like(pattern: str) -> str:
    """The SQL LIKE form of a pattern (`\\` escapes the LIKE wildcards it contains)."""
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")
