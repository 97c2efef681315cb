"""Work centers: create, read, list, update."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.core.db import utcnow
from yuantus.core.errors import Conflict
from yuantus.core.orm import flush_or_conflict, get_or_404
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.manufacturing import codes
from yuantus.manufacturing.models import WorkCenter


def get(session: Session, workcenter_id: str) -> WorkCenter:
    """A work center by id; 404 workcenter_not_found."""
    return get_or_404(session, WorkCenter, workcenter_id, codes.WORKCENTER_NOT_FOUND)


def list_workcenters(
    session: Session,
    page: PageParams,
    *,
    is_active: bool | None = None,
    sort: SortOrder | None = None,
) -> tuple[list[WorkCenter], int]:
    """Work centers ordered by code, optionally only the active (or inactive) ones."""
    query = select(WorkCenter).order_by(WorkCenter.code)
    if is_active is not None:
        query = query.where(WorkCenter.is_active == is_active)
    return paginate(session, query, page, sort)


def create(
    session: Session,
    code: str,
    name: str,
    *,
    description: str | None = None,
    capacity_per_day: Decimal = Decimal(8),
    efficiency: Decimal = Decimal(1),
    cost_rate: Decimal = Decimal(0),
    is_active: bool = True,
) -> WorkCenter:
    """A new work center; 409 workcenter_code_taken on a duplicate code."""
    _ensure_code_free(session, code)
    row = WorkCenter(
        code=code,
        name=name,
        description=description,
        capacity_per_day=capacity_per_day,
        efficiency=efficiency,
        cost_rate=cost_rate,
        is_active=is_active,
    )
    session.add(row)
    flush_or_conflict(session, _code_taken(code))
    return row


def update(session: Session, row: WorkCenter, **changes: Any) -> WorkCenter:
    """Change the given fields of a work center; 409 on a code another center uses."""
    code = changes.get("code")
    if code is not None and code != row.code:
        _ensure_code_free(session, code)
    for field, value in changes.items():
        # null means "leave as is" except for the free-text description
        if value is None and field != "description":
            continue
        setattr(row, field, value)
    row.updated_at = utcnow()
    flush_or_conflict(session, _code_taken(str(code)))
    return row


def _ensure_code_free(session: Session, code: str) -> None:
    if session.scalar(select(WorkCenter.id).where(WorkCenter.code == code).limit(1)):
        raise _code_taken(code)


def _code_taken(code: str) -> Conflict:
    return Conflict(
        f"work center code {code} is taken",
        code=codes.WORKCENTER_CODE_TAKEN,
        context={"code": code},
    )


def get_by_code(session: Session, code: str) -> WorkCenter | None:
    """A work center by code, or None."""
    return session.scalar(select(WorkCenter).where(WorkCenter.code == code))
