"""3D overlays in GET /ops/summary: lookups refused in the window (audited refusals)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuantus.audit.models import AuditEvent
from yuantus.cad3d.service import ACCESS_REFUSED
from yuantus.core.ops_section import Measure, OpsSection, window_start

# a few refusals a day are users clicking where they may not; many more are a probe or a
# role set up wrong
DEFAULT_REFUSED_PER_DAY = 5.0
TOP_USERS = 5


def ops_section(session: Session, window_days: int) -> OpsSection:
    """Refused overlay lookups in the window, the overlays and the users most refused."""
    since = window_start(window_days)
    refused = (AuditEvent.action == ACCESS_REFUSED, AuditEvent.created_at >= since)
    count = session.scalar(select(func.count()).where(*refused)) or 0
    overlays = session.scalar(
        select(func.count(func.distinct(AuditEvent.object_id))).where(*refused)
    )
    users = session.execute(
        select(AuditEvent.actor_name, func.count())
        .where(*refused)
        .group_by(AuditEvent.actor_name)
        .order_by(func.count().desc(), AuditEvent.actor_name)
        .limit(TOP_USERS)
    ).all()
    return OpsSection(
        figures={
            "lookups_refused": count,
            "overlays": overlays or 0,
            "top_users": [{"username": name, "refused": n} for name, n in users],
        },
        measures={
            "refused_per_day": Measure(
                round(count / window_days, 4),
                DEFAULT_REFUSED_PER_DAY,
                "refused overlay lookups per day over the window",
            )
        },
    )
