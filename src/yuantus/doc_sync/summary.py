"""GET /doc-sync/summary: per site, job counts, dead letters, mix, success rate and bytes sent."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.doc_sync import service
from yuantus.doc_sync.models import RemoteSite
from yuantus.doc_sync.schemas import SiteSummary, SyncSummary
from yuantus.job.models import JOB_COMPLETED, JOB_FAILED, JOB_STATUSES


def summary(session: Session, window_days: int) -> SyncSummary:
    """Every site (with or without jobs in the window), by name."""
    since, rows = service.window_rows(session, window_days)
    sites = session.scalars(select(RemoteSite).order_by(RemoteSite.name)).all()
    out = []
    for site in sites:
        mine = [(job, link) for job, link in rows if link.site_id == site.id]
        by_status = dict.fromkeys(JOB_STATUSES, 0)
        for job, _ in mine:
            by_status[job.status] = by_status.get(job.status, 0) + 1
        finished = by_status[JOB_COMPLETED] + by_status[JOB_FAILED]
        last = mine[-1] if mine else None
        out.append(
            SiteSummary(
                site_id=site.id,
                site_name=site.name,
                jobs_by_status=by_status,
                dead_letters=by_status[JOB_FAILED],
                push=sum(1 for _, link in mine if link.direction == "push"),
                pull=sum(1 for _, link in mine if link.direction == "pull"),
                success_rate=round(by_status[JOB_COMPLETED] / finished, 4) if finished else None,
                bytes_sent=sum(
                    int(service.outcome_of(job).get("bytes_sent", 0)) for job, _ in mine
                ),
                last_job=service.read(last[0], last[1], site.name) if last else None,
            )
        )
    return SyncSummary(window_days=window_days, since=since, sites=out)
