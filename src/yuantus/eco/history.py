"""ECO history (append-only events) and approval records."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuantus.core.db import new_id
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.eco.models import Eco, EcoApproval, EcoEvent


def record_event(
    session: Session,
    eco: Eco,
    event_type: str,
    user_id: str | None,
    *,
    from_value: str | None = None,
    to_value: str | None = None,
    data: dict[str, Any] | None = None,
) -> EcoEvent:
    """Append one event to an ECO's history (the caller holds the ECO row lock)."""
    last = session.scalar(select(func.max(EcoEvent.seq)).where(EcoEvent.eco_id == eco.id))
    row = EcoEvent(
        id=new_id(),
        eco_id=eco.id,
        seq=(last or 0) + 1,
        event_type=event_type,
        user_id=user_id,
        from_value=from_value,
        to_value=to_value,
        data=dict(data or {}),
    )
    session.add(row)
    session.flush()
    return row


def list_events(
    session: Session, eco: Eco, page: PageParams, sort: SortOrder | None = None
) -> tuple[list[EcoEvent], int]:
    """An ECO's history, oldest first."""
    query = select(EcoEvent).where(EcoEvent.eco_id == eco.id).order_by(EcoEvent.seq)
    return paginate(session, query, page, sort)


def list_approvals(
    session: Session, eco: Eco, page: PageParams, sort: SortOrder | None = None
) -> tuple[list[EcoApproval], int]:
    """Every decision taken on an ECO, oldest first."""
    query = (
        select(EcoApproval)
        .where(EcoApproval.eco_id == eco.id)
        # two users can decide in the same instant: id makes the order total
        .order_by(EcoApproval.created_at, EcoApproval.stage_visit, EcoApproval.id)
    )
    return paginate(session, query, page, sort)


def visit_decisions(session: Session, eco: Eco) -> list[EcoApproval]:
    """The decisions taken during the ECO's current visit of its current stage."""
    return list(
        session.scalars(
            select(EcoApproval).where(
                EcoApproval.eco_id == eco.id,
                EcoApproval.stage_id == eco.stage_id,
                EcoApproval.stage_visit == eco.stage_visit,
            )
        )
    )
