"""The doc-sync section of the operations overview (called by the overview's builder)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from yuantus.core.ops_section import Measure, OpsSection, ratio
from yuantus.doc_sync import service
from yuantus.job.models import JOB_FAILED, JOB_STATUSES

DEFAULT_DEAD_LETTER_RATE = 0.05


def ops_section(session: Session, window_days: int) -> OpsSection:
    """Sync jobs by status, dead letters and file bytes sent over the last window_days."""
    since, rows = service.window_rows(session, window_days)
    by_status = dict.fromkeys(JOB_STATUSES, 0)
    for job, _ in rows:
        by_status[job.status] = by_status.get(job.status, 0) + 1
    figures = {
        "window_days": window_days,
        "since": since.isoformat(),
        "jobs": len(rows),
        "jobs_by_status": by_status,
        "dead_letters": by_status[JOB_FAILED],
        "bytes_sent": sum(int(service.outcome_of(job).get("bytes_sent", 0)) for job, _ in rows),
    }
    rate = Measure(
        ratio(by_status[JOB_FAILED], len(rows)),
        DEFAULT_DEAD_LETTER_RATE,
        "share of the window's sync jobs that ended as dead letters",
    )
    return OpsSection(figures, {"dead_letter_rate": rate})
