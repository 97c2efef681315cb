"""DocumentMultiSiteService: sync jobs on the shared queue, their answers, replays and summary.

A sync job is a `document_sync_push`/`document_sync_pull` row of meta_conversion_jobs plus
a meta_document_sync_jobs link (site, direction, idempotency count). Deduplication is the
queue's: the unique partial index on the dedupe key admits one active job per key, so two
racing identical requests get one job, and the loser counts an idempotency conflict.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select, update
from sqlalchemy.orm import Session

from yuantus.core.context import current_request_id
from yuantus.core.db import new_id, utcnow
from yuantus.core.errors import InvalidState, NotFound
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.doc_sync import codes
from yuantus.doc_sync.models import PULL_TASK, PUSH_TASK, TASK_OF, RemoteSite, SyncJobLink
from yuantus.doc_sync.schemas import DocumentOutcome, SyncJobRead
from yuantus.item.models import Item
from yuantus.job import service as job_service
from yuantus.job.models import ACTIVE_STATUSES, JOB_FAILED, Job

TASK_TYPES = (PUSH_TASK, PULL_TASK)


def payload_hash(site_id: str, direction: str, ids: Sequence[str]) -> str:
    """The digest naming one request: same site, direction and ids, same hash."""
    text = json.dumps([site_id, direction, list(ids)], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _missing_documents(session: Session, ids: Sequence[str]) -> list[str]:
    """The ids among these that are not a local Document revision."""
    found = set(
        session.scalars(select(Item.id).where(Item.id.in_(ids), Item.item_type == "Document"))
    )
    return [i for i in ids if i not in found]


@dataclass(frozen=True)
class Enqueued:
    """A sync job and whether an identical active one answered instead of a new one."""

    job: Job
    link: SyncJobLink
    duplicate: bool


def enqueue(
    session: Session,
    site: RemoteSite,
    direction: str,
    document_ids: Sequence[str],
    *,
    idempotency_key: str | None = None,
    max_attempts: int = 5,
    created_by: str | None = None,
    trigger: str = "api",
    replay_of: str | None = None,
) -> Enqueued:
    """Create the job, or answer the active one of the same request (race-safe)."""
    if not site.is_active:
        raise InvalidState(
            f"remote site {site.name} is inactive: activate it before syncing",
            code=codes.REMOTE_SITE_INACTIVE,
            context={"site_id": site.id, "site": site.name},
        )
    ids = sorted(set(document_ids))
    if direction == "push":
        missing = _missing_documents(session, ids)
        if missing:
            raise NotFound(
                f"no local document with id {', '.join(missing[:10])}",
                code=codes.DOCUMENT_NOT_FOUND,
                context={"missing": missing},
            )
    digest = payload_hash(site.id, direction, ids)
    key = idempotency_key or f"{direction}:{digest}"
    payload = {
        # the site by id and name only: the token stays in meta_remote_sites, encrypted
        "site": {"id": site.id, "name": site.name},
        "direction": direction,
        "document_ids": ids,
        "trace_id": current_request_id() or new_id(),
        "payload_hash": digest,
    }
    if replay_of is not None:
        payload["replay_of"] = replay_of
    job = job_service.create_job(
        session,
        TASK_OF[direction],
        payload,
        max_attempts=max_attempts,
        dedupe_key=f"doc_sync:{site.id}:{key}"[:255],
        created_by=created_by,
    )
    link = session.get(SyncJobLink, job.id)
    if link is not None:
        # an identical request is pending or processing: one job, one more conflict counted
        session.execute(
            update(SyncJobLink)
            .where(SyncJobLink.job_id == job.id)
            .values(idempotency_conflicts=SyncJobLink.idempotency_conflicts + 1)
        )
        session.refresh(link)
        return Enqueued(job, link, duplicate=True)
    link = SyncJobLink(
        job_id=job.id,
        site_id=site.id,
        direction=direction,
        document_count=len(ids),
        idempotency_key=key,
        replay_of=replay_of,
        trigger=trigger,
        created_at=utcnow(),
    )
    session.add(link)
    session.flush()
    return Enqueued(job, link, duplicate=False)


def get_job(session: Session, job_id: str) -> tuple[Job, SyncJobLink]:
    """A sync job and its link; 404 sync_job_not_found for any other job."""
    link = session.get(SyncJobLink, job_id)
    job = session.get(Job, job_id) if link is not None else None
    if link is None or job is None:
        raise NotFound(
            f"no document sync job {job_id}",
            code=codes.SYNC_JOB_NOT_FOUND,
            context={"id": job_id},
        )
    return job, link


def replay(session: Session, job_id: str, user_id: str | None) -> Enqueued:
    """A fresh job with the old one's site, direction and documents, linked by replay_of."""
    old, link = get_job(session, job_id)
    site = session.get(RemoteSite, link.site_id)
    assert site is not None  # the link cascades with the site
    return enqueue(
        session,
        site,
        link.direction,
        list(old.payload.get("document_ids", [])),
        idempotency_key=f"replay:{old.id}:{new_id()}",
        max_attempts=old.max_attempts,
        created_by=user_id,
        trigger="replay",
        replay_of=old.id,
    )


@dataclass(frozen=True)
class JobFilter:
    """The filters of GET /doc-sync/jobs."""

    site_id: str | None = None
    status: str | None = None
    direction: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE clauses over the link and the job."""
        conds: list[ColumnElement[bool]] = []
        if self.site_id is not None:
            conds.append(SyncJobLink.site_id == self.site_id)
        if self.status is not None:
            conds.append(Job.status == self.status)
        if self.direction is not None:
            conds.append(SyncJobLink.direction == self.direction)
        if self.created_from is not None:
            conds.append(SyncJobLink.created_at >= self.created_from)
        if self.created_to is not None:
            conds.append(SyncJobLink.created_at < self.created_to)
        return conds


def list_page(
    session: Session, where: JobFilter, sort: SortOrder, page: PageParams
) -> tuple[list[tuple[Job, SyncJobLink]], int]:
    """One page of sync jobs with their links."""
    query: Select[Any] = select(Job).join(SyncJobLink, SyncJobLink.job_id == Job.id)
    jobs, total = paginate(session, sort.apply(query.where(*where.conditions())), page)
    ids = [j.id for j in jobs]
    links = {
        link.job_id: link
        for link in session.scalars(select(SyncJobLink).where(SyncJobLink.job_id.in_(ids)))
    }
    return [(job, links[job.id]) for job in jobs], total


def outcome_of(job: Job) -> dict[str, Any]:
    """What the job reported: its result when completed, its last progress otherwise."""
    return dict(job.result or job.progress or {})


def read(job: Job, link: SyncJobLink, site_name: str | None) -> SyncJobRead:
    """The answer of a sync job."""
    outcome = outcome_of(job)
    dead = job.status == JOB_FAILED
    return SyncJobRead(
        id=job.id,
        task_type=job.task_type,
        site_id=link.site_id,
        site_name=site_name,
        direction=link.direction,  # type: ignore[arg-type]
        status=job.status,  # type: ignore[arg-type]  # pydantic checks it
        payload=dict(job.payload),
        result=job.result,
        documents=[DocumentOutcome.model_validate(d) for d in outcome.get("documents", [])],
        bytes_sent=int(outcome.get("bytes_sent", 0)),
        idempotency_key=link.idempotency_key,
        idempotency_conflicts=link.idempotency_conflicts,
        replay_of=link.replay_of,
        trigger=link.trigger,
        attempt_count=job.attempt_count,
        max_attempts=job.max_attempts,
        retry_budget=job.remaining_attempts if job.status in ACTIVE_STATUSES else 0,
        # a failed sync job runs no more by itself: it waits for a person (replay)
        is_dead_letter=dead,
        dead_letter_reason=job.last_error if dead else None,
        last_error=job.last_error,
        created_by=job.created_by,
        created_at=job.created_at,
        started_at=job.started_at,
        completed_at=job.completed_at,
        scheduled_at=job.scheduled_at,
    )


def site_names(session: Session, site_ids: set[str]) -> dict[str, str]:
    """Site names by id, one query."""
    if not site_ids:
        return {}
    rows = session.execute(
        select(RemoteSite.id, RemoteSite.name).where(RemoteSite.id.in_(site_ids))
    )
    return {str(id_): str(name) for id_, name in rows}


def read_many(session: Session, rows: Sequence[tuple[Job, SyncJobLink]]) -> list[SyncJobRead]:
    """The answers of a page of jobs."""
    names = site_names(session, {link.site_id for _, link in rows})
    return [read(job, link, names.get(link.site_id)) for job, link in rows]
