"""Normalization shared by writes, compare and delta: uom, refdes, quantity tolerance."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from yuantus.core import error_codes as ec
from yuantus.core.errors import Unprocessable

# reference designators are separated by commas, semicolons, pipes or whitespace
_REFDES_SPLIT = re.compile(r"[,;|\s]+")
QTY_REL_TOLERANCE = 1e-6
QTY_ABS_TOLERANCE = 1e-9


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


def qty_equal(a: float | None, b: float | None) -> bool:
    """Quantities equal within a small relative tolerance (float noise is not a change)."""
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=QTY_REL_TOLERANCE, abs_tol=QTY_ABS_TOLERANCE)


def qty_key(quantity: float) -> str:
    """A quantity as key text, rounded so that tolerance-equal quantities share a key."""
    return f"{round(quantity, 6):g}"


def check_quantity(quantity: Any) -> float:
    """A finite number > 0, else 422 invalid_quantity."""
    try:
        value = float(quantity)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(quantity, bool) or not math.isfinite(value) or value <= 0:
        raise Unprocessable(
            f"quantity must be a number > 0, got {quantity!r}",
            code=ec.INVALID_QUANTITY,
            context={"quantity": str(quantity)},
        )
    return value
