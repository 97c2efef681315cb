"""Writing and reading the audit log; callers record in their own transaction."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pydantic_core import to_jsonable_python
from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.audit.models import AuditEvent
from yuantus.core.context import current_request_id
from yuantus.core.db import new_id, utcnow
from yuantus.core.errors import not_found
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder

# keys whose values never enter the log, at any depth: a caller's slip must not leak them
SECRET_KEYS = frozenset(
    {"password", "password_hash", "token", "token_hash", "secret", "api_key", "private_key"}
)
REDACTED = "[redacted]"
_LAST_AT_KEY = "yuantus.audit_last_at"


class Actor(Protocol):
    """Who acted: a user (identity's User fits) or a named console/system actor."""

    @property
    def id(self) -> str | None:
        """The user id, or None for an actor that is not a user."""
        ...

    @property
    def username(self) -> str:
        """The name shown in the log (a snapshot: later renames do not change it)."""
        ...


@dataclass(frozen=True)
class NamedActor:
    """An actor that is not a signed-in user, e.g. the operator at the server console."""

    username: str
    id: str | None = None


def console_actor() -> NamedActor:
    """The operator running the `yuantus` command, as `cli:<os user>`."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):  # no passwd entry (some containers)
        name = "unknown"
    return NamedActor(username=f"cli:{name}"[:100])


@dataclass(frozen=True)
class AuditFilter:
    """What GET /audit (and per-object history views) select; None means any."""

    object_type: str | None = None
    object_id: str | None = None
    scope_id: str | None = None
    actor_id: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def record(
    session: Session,
    *,
    object_type: str,
    object_id: str,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor: Actor | None = None,
    scope_id: str | None = None,
) -> AuditEvent:
    """Append one audit row in the caller's transaction (inserted at its next flush)."""
    row = AuditEvent(
        id=new_id(),
        object_type=object_type,
        object_id=str(object_id),
        scope_id=scope_id,
        action=action,
        before=_clean(before),
        after=_clean(after),
        actor_id=actor.id if actor is not None else None,
        actor_name=actor.username if actor is not None else None,
        request_id=current_request_id(),
        created_at=_next_time(session),
    )
    session.add(row)
    return row


def _next_time(session: Session) -> datetime:
    """Now, but later than the session's previous row: newest-first lists keep write order.

    Two rows of one change (a release and the supersede it causes) may read the same clock
    microsecond; the id tiebreak would then order them at random.
    """
    now = utcnow()
    last = session.info.get(_LAST_AT_KEY)
    if isinstance(last, datetime) and now <= last:
        now = last + timedelta(microseconds=1)
    session.info[_LAST_AT_KEY] = now
    return now


def _clean(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """JSON-ready values (datetimes, decimals as strings) with secret-named keys redacted."""
    if values is None:
        return None
    cleaned = _redact(to_jsonable_python(values))
    assert isinstance(cleaned, dict)
    return cleaned


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: REDACTED if k in SECRET_KEYS else _redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value


def get_event(session: Session, event_id: str) -> AuditEvent:
    """One audit row by id."""
    row = session.get(AuditEvent, event_id)
    if row is None:
        raise not_found("audit_event", event_id)
    return row


def list_events(
    session: Session, filters: AuditFilter, page: PageParams, sort: SortOrder | None = None
) -> tuple[list[AuditEvent], int]:
    """Audit rows matching the filters, newest first (since <= created_at < until)."""
    query = select(AuditEvent)
    for column, value in (
        (AuditEvent.object_type, filters.object_type),
        (AuditEvent.object_id, filters.object_id),
        (AuditEvent.scope_id, filters.scope_id),
        (AuditEvent.actor_id, filters.actor_id),
        (AuditEvent.action, filters.action),
    ):
        if value is not None:
            query = query.where(column == value)
    if filters.since is not None:
        query = query.where(AuditEvent.created_at >= _utc(filters.since))
    if filters.until is not None:
        query = query.where(AuditEvent.created_at < _utc(filters.until))
    # id breaks ties between rows written in the same microsecond: pages never overlap
    query = query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    return paginate(session, query, page, sort)


def _utc(value: datetime) -> datetime:
    """A bound in UTC; a timestamp without a zone is read as UTC, the service's zone."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
