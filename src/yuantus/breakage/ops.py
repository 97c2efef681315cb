"""Breakages in GET /ops/summary: open incidents by severity, and those reported in the window."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuantus.breakage.models import SEVERITIES, BreakageIncident
from yuantus.core.ops_section import Measure, OpsSection, window_start

OPEN_STATES = ("open", "investigating")
# any open critical breakage needs someone now
DEFAULT_OPEN_CRITICAL = 0.0


def _by_severity(session: Session, *where: object) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    counts.update(
        session.execute(
            select(BreakageIncident.severity, func.count())
            .where(*where)  # type: ignore[arg-type]
            .group_by(BreakageIncident.severity)
        ).all()
    )
    return counts


def ops_section(session: Session, window_days: int) -> OpsSection:
    """Open (open or investigating) now by severity; reported in the window by severity."""
    since = window_start(window_days)
    open_now = _by_severity(session, BreakageIncident.status.in_(OPEN_STATES))
    reported = _by_severity(session, BreakageIncident.created_at >= since)
    return OpsSection(
        figures={
            "open": sum(open_now.values()),
            "open_by_severity": open_now,
            "reported_in_window": sum(reported.values()),
            "reported_by_severity": reported,
        },
        measures={
            "open_critical": Measure(
                float(open_now["critical"]),
                DEFAULT_OPEN_CRITICAL,
                "critical breakages still open or under investigation",
            )
        },
    )
