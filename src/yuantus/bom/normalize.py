"""Normalization shared by writes, compare and delta: uom, refdes, exact quantities."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from yuantus.core import decimals
from yuantus.core import error_codes as ec
from yuantus.core.errors import Unprocessable

# reference designators are separated by commas, semicolons, pipes or whitespace
_REFDES_SPLIT = re.compile(r"[,;|\s]+")


def norm_uom(uom: str | None) -> str:
    """Units compare case-insensitively: stored and compared upper-case."""
    return (uom or "EA").strip().upper() or "EA"


def norm_refdes(refdes: str | Iterable[Any] | None) -> list[str]:
    """Reference designators split on `,; |` and whitespace, upper-cased, de-duplicated, sorted."""
    if not refdes:
        return []
    parts: Iterable[Any] = [refdes] if isinstance(refdes, str) else refdes
    out: set[str] = set()
    for part in parts:
        for token in _REFDES_SPLIT.split(str(part)):
            if token:
                out.add(token.upper())
    return sorted(out)


def norm_find_num(find_num: str | None) -> str | None:
    """Find numbers are compared as trimmed text; empty means none."""
    if find_num is None:
        return None
    text = str(find_num).strip()
    return text or None


def qty_equal(a: Decimal | None, b: Decimal | None) -> bool:
    """Quantities are exact decimals: equal means equal (2 and 2.000000 are the same)."""
    if a is None or b is None:
        return a is b
    return a == b


def qty_key(quantity: Decimal) -> str:
    """A quantity as key text: its canonical decimal ("2", "0.5")."""
    return decimals.to_str(quantity)


def parse_quantity(quantity: Any) -> Decimal | None:
    """A quantity given back by a client (number or string), or None when it is not one."""
    try:
        return decimals.parse(quantity)
    except ValueError:
        return None


def check_quantity(quantity: Any) -> Decimal:
    """An exact decimal > 0 (at most 6 places, below 10^12), else 422 invalid_quantity."""
    value = parse_quantity(quantity)
    if value is None or value <= 0:
        raise Unprocessable(
            f"quantity must be a number > 0 with at most {decimals.SCALE} decimal places "
            f"and below {decimals.to_str(decimals.LIMIT)}, got {quantity!r}",
            code=ec.INVALID_QUANTITY,
            context={"quantity": str(quantity)},
        )
    return value
