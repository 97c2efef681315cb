"""GET /audit: the audit log, read-only, for admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from yuantus.audit import service
from yuantus.audit.schemas import AuditEventRead
from yuantus.audit.sorts import AuditSort
from yuantus.core.deps import SessionDep
from yuantus.core.http import TransactionalRoute
from yuantus.core.pagination import PageDep
from yuantus.core.schemas import Page
from yuantus.identity.deps import require_role

router = APIRouter(route_class=TransactionalRoute, tags=["audit"])
# typed as object: audit sits below identity and does not import its User
AdminUser = Annotated[object, Depends(require_role("admin"))]


@router.get("/audit", response_model=Page[AuditEventRead])
def list_audit_events(
    session: SessionDep,
    _admin: AdminUser,
    page: PageDep,
    sort: AuditSort,
    object_type: Annotated[
        str | None, Query(max_length=64, description="the kind of object, e.g. item, bom_line")
    ] = None,
    object_id: Annotated[str | None, Query(max_length=64, description="the object's id")] = None,
    scope_id: Annotated[
        str | None, Query(max_length=64, description="e.g. an item's config_id: all its revisions")
    ] = None,
    actor: Annotated[str | None, Query(max_length=36, description="the actor's user id")] = None,
    action: Annotated[
        str | None, Query(max_length=64, description="what was done, e.g. create, update")
    ] = None,
    since: Annotated[datetime | None, Query(description="ISO 8601; from this time on")] = None,
    until: Annotated[datetime | None, Query(description="ISO 8601; before this time")] = None,
) -> Page[AuditEventRead]:
    """The audit log, newest first, filtered by object, actor, action and time (admin)."""
    filters = service.AuditFilter(
        object_type=object_type,
        object_id=object_id,
        scope_id=scope_id,
        actor_id=actor,
        action=action,
        since=since,
        until=until,
    )
    rows, total = service.list_events(session, filters, page, sort)
    return Page.of([AuditEventRead.model_validate(r) for r in rows], total, page)


@router.get("/audit/{event_id}", response_model=AuditEventRead)
def get_audit_event(event_id: str, session: SessionDep, _admin: AdminUser) -> AuditEventRead:
    """One audit row (admin)."""
    return AuditEventRead.model_validate(service.get_event(session, event_id))
