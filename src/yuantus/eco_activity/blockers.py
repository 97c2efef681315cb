"""Read-side views of an ECO's activities: blockers (the gate's answer) and SLA buckets."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from yuantus.core.db import utcnow
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.eco_activity.models import FINAL_STATUSES, OPEN_STATUSES, EcoActivityGate
from yuantus.eco_activity.schemas import (
    ActivitySla,
    Blocker,
    DependencyRef,
    SlaCounts,
    SlaStatus,
)

SLA_BUCKETS: tuple[SlaStatus, ...] = ("overdue", "due_soon", "on_track", "no_due_date")


def now() -> datetime:
    """The clock of the SLA views and of template due dates (tests replace utcnow here)."""
    return utcnow()


def activities_of(session: Session, eco_id: str) -> list[EcoActivityGate]:
    """Every activity of an ECO in creation order."""
    query = (
        select(EcoActivityGate)
        .where(EcoActivityGate.eco_id == eco_id)
        .order_by(EcoActivityGate.created_at, EcoActivityGate.id)
    )
    return list(session.scalars(query))


def unmet_dependencies(
    activity: EcoActivityGate, by_id: dict[str, EcoActivityGate]
) -> list[DependencyRef]:
    """The activity's dependencies that are not completed, in its depends_on order."""
    return [
        DependencyRef.model_validate(by_id[d])
        for d in activity.depends_on
        if d in by_id and by_id[d].status != "completed"
    ]


def blockers(session: Session, eco_id: str) -> list[Blocker]:
    """Blocking activities neither completed nor canceled, in creation order, with reasons."""
    rows = activities_of(session, eco_id)
    by_id = {a.id: a for a in rows}
    out: list[Blocker] = []
    for activity in rows:
        if not activity.is_blocking or activity.status in FINAL_STATUSES:
            continue
        unmet = unmet_dependencies(activity, by_id)
        if activity.status == "exception":
            reason = "exception"
        elif unmet:
            reason = "dependency_not_completed"
        else:
            reason = "not_completed"
        out.append(
            Blocker(
                activity_id=activity.id,
                name=activity.name,
                state=activity.status,
                reason=reason,  # type: ignore[arg-type]
                unmet_dependencies=unmet,
                assignee_id=activity.assignee_id,
                assignee_name=activity.assignee_name,
                assignee_role=activity.assignee_role,
                due_at=activity.due_at,
            )
        )
    return out


def _bucket_condition(bucket: SlaStatus, at: datetime, window: timedelta) -> ColumnElement[bool]:
    due = EcoActivityGate.due_at
    if bucket == "overdue":
        return due < at
    if bucket == "due_soon":
        return (due >= at) & (due <= at + window)
    if bucket == "on_track":
        return due > at + window
    return due.is_(None)


def sla(
    session: Session,
    eco_id: str,
    page: PageParams,
    sort: SortOrder,
    *,
    due_soon_hours: float,
    bucket: SlaStatus | None = None,
) -> tuple[list[ActivitySla], int, SlaCounts, datetime]:
    """Open activities with their SLA standing (one page) and the counts of every bucket."""
    at = now()
    window = timedelta(hours=due_soon_hours)
    base: Select[Any] = select(EcoActivityGate).where(
        EcoActivityGate.eco_id == eco_id, EcoActivityGate.status.in_(OPEN_STATUSES)
    )
    counts = SlaCounts(
        **{b: _count(session, base.where(_bucket_condition(b, at, window))) for b in SLA_BUCKETS}
    )
    query = base if bucket is None else base.where(_bucket_condition(bucket, at, window))
    rows, total = paginate(session, sort.apply(query), page)
    return [standing(a, at, window) for a in rows], total, counts, at


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def standing(activity: EcoActivityGate, at: datetime, window: timedelta) -> ActivitySla:
    """One activity against its due date at a moment."""
    hours_left: float | None = None
    hours_late: float | None = None
    status: SlaStatus
    if activity.due_at is None:
        status = "no_due_date"
    else:
        delta = (activity.due_at - at).total_seconds() / 3600
        if delta < 0:
            status, hours_late = "overdue", round(-delta, 2)
        else:
            hours_left = round(delta, 2)
            status = "due_soon" if activity.due_at <= at + window else "on_track"
    return ActivitySla(
        activity_id=activity.id,
        name=activity.name,
        state=activity.status,
        is_blocking=activity.is_blocking,
        due_at=activity.due_at,
        sla_status=status,
        hours_left=hours_left,
        hours_late=hours_late,
        assignee_id=activity.assignee_id,
        assignee_name=activity.assignee_name,
        assignee_role=activity.assignee_role,
    )


def blockers_page(
    session: Session, eco_id: str, page: PageParams, sort: SortOrder
) -> tuple[list[Blocker], int]:
    """One page of the ECO's blockers in the asked order."""
    query = select(EcoActivityGate).where(
        EcoActivityGate.eco_id == eco_id,
        EcoActivityGate.is_blocking.is_(True),
        EcoActivityGate.status.in_(OPEN_STATUSES),
    )
    rows, total = paginate(session, sort.apply(query), page)
    by_id = {b.activity_id: b for b in blockers(session, eco_id)}
    return [by_id[r.id] for r in rows], total
