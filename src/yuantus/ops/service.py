"""Collect every manifest's ops_section and compare its measures with their thresholds."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from yuantus.core import manifest
from yuantus.core.db import utcnow
from yuantus.core.ops_section import Measure, OpsSection, window_start
from yuantus.ops.schemas import AlertRead, MeasureRead, OpsSummary, SectionRead

log = logging.getLogger("yuantus.ops")


def _as_section(answer: object) -> OpsSection:
    """A hook's answer: an OpsSection, or a plain mapping of figures (no measures)."""
    if isinstance(answer, OpsSection):
        return answer
    if isinstance(answer, Mapping):
        return OpsSection(figures=dict(answer))
    raise TypeError(f"an ops_section hook answered {type(answer).__name__}")


def _measure(
    section: str, name: str, measure: Measure, thresholds: Mapping[str, float]
) -> tuple[MeasureRead, AlertRead | None]:
    """The measure with its effective threshold, and its alert when it crosses it."""
    threshold = thresholds.get(f"{section}.{name}", measure.threshold)
    crossed = measure.value is not None and measure.value > threshold
    read = MeasureRead(
        value=measure.value, threshold=threshold, alert=crossed, description=measure.description
    )
    if not crossed or measure.value is None:
        return read, None
    message = f"{section} {name} is {measure.value:g}, above {threshold:g}: {measure.description}"
    alert = AlertRead(
        section=section, measure=name, value=measure.value, threshold=threshold, message=message
    )
    return read, alert


def summary(
    new_session: Callable[[], Session], window_days: int, thresholds: Mapping[str, float]
) -> OpsSummary:
    """Every loaded capability's section, each in its own read-only transaction."""
    now = utcnow()
    sections: dict[str, SectionRead] = {}
    alerts: list[AlertRead] = []
    errors: dict[str, str] = {}
    for domain, hook in manifest.hooks("ops_section"):
        try:
            with new_session() as session:
                section = _as_section(hook(session, window_days))
        except Exception as exc:
            # one broken section must not hide the others from the operator
            log.exception("ops section of %s could not be computed", domain)
            errors[domain] = type(exc).__name__
            continue
        measures: dict[str, Any] = {}
        for name, measure in section.measures.items():
            measures[name], alert = _measure(domain, name, measure, thresholds)
            if alert is not None:
                alerts.append(alert)
        sections[domain] = SectionRead(figures=section.figures, measures=measures)
    return OpsSummary(
        window_days=window_days,
        since=window_start(window_days, now),
        generated_at=now,
        sections=sections,
        alerts=alerts,
        errors=errors,
    )
