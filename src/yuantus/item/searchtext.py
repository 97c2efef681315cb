"""The normalized text `q` searches: item number, name, description and property values.

One function builds it, for the ORM (kept on every insert and update of an item), the
migration's backfill and the bench's bulk insert; `q` terms are normalized the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Case-folded, whitespace collapsed: what search text and search terms compare as."""
    return _SPACES.sub(" ", text).strip().casefold()


def _values(value: Any) -> Iterator[str]:
    """The scalar values of a JSON value, as text (nested lists and objects walked)."""
    if value is None:
        return
    if isinstance(value, Mapping):
        for nested in value.values():
            yield from _values(nested)
    elif isinstance(value, list | tuple):
        for nested in value:
            yield from _values(nested)
    elif isinstance(value, str):
        yield value
    else:
        # numbers and booleans as JSON writes them: 235, 1.5, true
        yield json.dumps(value)


def search_text(
    item_number: str,
    name: str,
    description: str | None,
    properties: Mapping[str, Any] | None,
) -> str:
    """The search text of one item revision."""
    parts = [item_number, name, description or "", *_values(dict(properties or {}))]
    return normalize(" ".join(parts))


def terms(q: str) -> list[str]:
    """The words of a `q`, normalized; every one must occur in an item's search text."""
    return [t for t in normalize(q).split(" ") if t]
