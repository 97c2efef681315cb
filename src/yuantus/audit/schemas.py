"""Answer shapes of the audit endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from yuantus.core.schemas import ReadSchema


class AuditEventRead(ReadSchema):
    """One audit row: the object, the action, before/after, the actor, the request."""

    id: str
    object_type: str
    object_id: str
    # an item revision's number, revision and name (rows about other objects: null)
    object_number: str | None
    object_revision: str | None
    object_name: str | None
    scope_id: str | None
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    actor_id: str | None
    actor_name: str | None
    request_id: str | None
    created_at: datetime
