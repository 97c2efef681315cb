"""GET /doc-sync/summary: per site, job counts, dead letters, mix, success rate and bytes sent.

The figures are aggregated by the database (GROUP BY over the window), so a summary reads
one row per site, status and direction and one job per site, however many jobs the window holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, ColumnElement, cast, func, select
from sqlalchemy.orm import Session

from yuantus.core.db import utcnow
from yuantus.doc_sync import service
from yuantus.doc_sync.models import RemoteSite, SyncJobLink
from yuantus.doc_sync.schemas import SiteSummary, SyncSummary
from yuantus.job.models import JOB_COMPLETED, JOB_FAILED, JOB_STATUSES, Job


@dataclass
class Tally:
    """Sync jobs of the window: by status and direction, and the file bytes they sent."""

    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(JOB_STATUSES, 0))
    by_direction: dict[str, int] = field(default_factory=lambda: {"push": 0, "pull": 0})
    bytes_sent: int = 0

    @property
    def jobs(self) -> int:
        """All jobs of the window."""
        return sum(self.by_status.values())


def _bytes_sent() -> ColumnElement[int]:
    """A job's bytes_sent as service.outcome_of reads it: the result, else the last progress."""
    # BIGINT: a window's pushes pass 2 GiB, past PostgreSQL's INTEGER
    result = cast(Job.result["bytes_sent"].as_string(), BigInteger)
    progress = cast(Job.progress["bytes_sent"].as_string(), BigInteger)
    return func.coalesce(result, progress, 0)


def window_tallies(session: Session, window_days: int) -> tuple[datetime, dict[str, Tally]]:
    """The window's start and a tally per site that has jobs in it, in one grouped query."""
    since = utcnow() - timedelta(days=window_days)
    query = (
        select(
            SyncJobLink.site_id,
            Job.status,
            SyncJobLink.direction,
            func.count(),
            func.sum(_bytes_sent()),
        )
        .join(Job, Job.id == SyncJobLink.job_id)
        .where(SyncJobLink.created_at >= since)
        .group_by(SyncJobLink.site_id, Job.status, SyncJobLink.direction)
    )
    tallies: dict[str, Tally] = {}
    for site_id, status, direction, count, sent in session.execute(query):
        tally = tallies.setdefault(site_id, Tally())
        tally.by_status[status] = tally.by_status.get(status, 0) + count
        tally.by_direction[direction] = tally.by_direction.get(direction, 0) + count
        tally.bytes_sent += int(sent or 0)
    return since, tallies


def _last_jobs(session: Session, since: datetime) -> dict[str, tuple[Job, SyncJobLink]]:
    """Each site's newest job of the window (ties broken by job id, as the job list orders)."""
    rank = (
        func.row_number()
        .over(
            partition_by=SyncJobLink.site_id,
            order_by=(SyncJobLink.created_at.desc(), SyncJobLink.job_id.desc()),
        )
        .label("rank")
    )
    ranked = select(SyncJobLink.job_id, rank).where(SyncJobLink.created_at >= since).subquery()
    query = (
        select(Job, SyncJobLink)
        .join(SyncJobLink, SyncJobLink.job_id == Job.id)
        .join(ranked, ranked.c.job_id == Job.id)
        .where(ranked.c.rank == 1)
    )
    return {link.site_id: (job, link) for job, link in session.execute(query)}


def summary(session: Session, window_days: int) -> SyncSummary:
    """Every site (with or without jobs in the window), by name."""
    since, tallies = window_tallies(session, window_days)
    last_jobs = _last_jobs(session, since)
    out = []
    for site in session.scalars(select(RemoteSite).order_by(RemoteSite.name)):
        tally = tallies.get(site.id, Tally())
        finished = tally.by_status[JOB_COMPLETED] + tally.by_status[JOB_FAILED]
        last = last_jobs.get(site.id)
        out.append(
            SiteSummary(
                site_id=site.id,
                site_name=site.name,
                jobs_by_status=tally.by_status,
                dead_letters=tally.by_status[JOB_FAILED],
                push=tally.by_direction["push"],
                pull=tally.by_direction["pull"],
                success_rate=round(tally.by_status[JOB_COMPLETED] / finished, 4)
                if finished
                else None,
                bytes_sent=tally.bytes_sent,
                last_job=service.read(last[0], last[1], site.name) if last else None,
            )
        )
    return SyncSummary(window_days=window_days, since=since, sites=out)
