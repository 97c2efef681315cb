"""Variance figures: delta, ratio and status of actual against planned."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from yuantus.core import decimals


@dataclass(frozen=True)
class Figures:
    """Planned and actual of one period, and how far apart they are."""

    planned: Decimal
    actual: Decimal
    delta: Decimal
    delta_ratio: Decimal | None
    status: str


def figures(planned: Decimal, actual: Decimal, under: Decimal, over: Decimal) -> Figures:
    """delta = actual - planned, ratio = delta / planned; under below `under`, over above `over`.

    The thresholds are shares of the plan (0.9 = 90 %): actual / planned is compared to them.
    """
    delta = actual - planned
    if planned <= 0:
        # nothing planned: any use is over, none is on track
        return Figures(planned, actual, delta, None, "over" if actual > 0 else "on_track")
    # 28 significant digits hold every quotient of two 18-digit quantities to well past the
    # 6 places kept; the status compares products (exact), not the rounded ratio
    ratio = (delta / planned).quantize(decimals.QUANTUM, rounding=ROUND_HALF_UP)
    status = (
        "under" if actual < under * planned else "over" if actual > over * planned else "on_track"
    )
    return Figures(planned, actual, delta, ratio, status)
