"""What a domain's ops_section hook answers: figures an operator reads, and measures to watch.

A domain's `ops.py` builds an OpsSection from its own tables; GET /ops/summary (yuantus.ops)
collects one per manifest that names the hook and raises an alert for each measure above
its threshold. The threshold a section proposes is its documented default;
YUANTUS_OPS_THRESHOLDS overrides it by "<section>.<measure>" (docs/operations.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from yuantus.core.db import utcnow


@dataclass(frozen=True)
class Measure:
    """A number with an alert threshold: an alert when value > threshold (None: no data)."""

    value: float | None
    threshold: float
    description: str


@dataclass(frozen=True)
class OpsSection:
    """One capability's part of the operations overview."""

    figures: dict[str, Any]
    measures: dict[str, Measure] = field(default_factory=dict)


def window_start(window_days: int, now: datetime | None = None) -> datetime:
    """The first moment of a window of `window_days` days ending now."""
    return (now or utcnow()) - timedelta(days=window_days)


def ratio(part: int, whole: int) -> float | None:
    """part / whole to 4 places, or None when there is nothing to divide (no alert then)."""
    return round(part / whole, 4) if whole else None
