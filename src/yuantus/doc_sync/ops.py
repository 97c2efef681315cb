"""The doc-sync section of the operations overview (called by the overview's builder)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from yuantus.core.ops_section import Measure, OpsSection, ratio
from yuantus.doc_sync.summary import Tally, window_tallies
from yuantus.job.models import JOB_FAILED

DEFAULT_DEAD_LETTER_RATE = 0.05


def ops_section(session: Session, window_days: int) -> OpsSection:
    """Sync jobs by status, dead letters and file bytes sent over the last window_days."""
    since, tallies = window_tallies(session, window_days)
    total = Tally()
    for tally in tallies.values():
        for status, count in tally.by_status.items():
            total.by_status[status] = total.by_status.get(status, 0) + count
        total.bytes_sent += tally.bytes_sent
    figures = {
        "window_days": window_days,
        "since": since.isoformat(),
        "jobs": total.jobs,
        "jobs_by_status": total.by_status,
        "dead_letters": total.by_status[JOB_FAILED],
        "bytes_sent": total.bytes_sent,
    }
    rate = Measure(
        ratio(total.by_status[JOB_FAILED], total.jobs),
        DEFAULT_DEAD_LETTER_RATE,
        "share of the window's sync jobs that ended as dead letters",
    )
    return OpsSection(figures, {"dead_letter_rate": rate})
