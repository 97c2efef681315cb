"""meta_audit_events: one append-only row per change to product data or identities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from yuantus.core import names
from yuantus.core.db import Base, IdMixin, JSONType, UTCDateTime, utcnow


class AuditEvent(IdMixin, Base):
    """One change: the object, the action, its before/after, the actor and the request."""

    __tablename__ = "meta_audit_events"
    __table_args__ = (
        Index("ix_meta_audit_events_object", "object_type", "object_id", "created_at"),
        Index("ix_meta_audit_events_actor_id", "actor_id"),
        Index("ix_meta_audit_events_created_at", "created_at"),
        Index("ix_meta_audit_events_scope", "scope_id", "created_at"),
    )

    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    # the history the row belongs to across object ids: an item's config_id for the rows
    # of its revisions, so GET /items/{id}/history also finds those of a discarded draft
    scope_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # no foreign key: the log outlives users, and audit sits below identity
    actor_id: Mapped[str | None] = mapped_column(String(36))
    # the actor's username when it acted (users may be renamed later)
    actor_name: Mapped[str | None] = mapped_column(String(100))
    request_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # an item revision's rows name it (core/names.py; the item domain registers "item")
    object_number, object_revision, object_name = names.item_ref(
        "object_id", when=lambda row: row.object_type == "item"
    )


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(_mapper: Any, _connection: Any, target: AuditEvent) -> None:
    # an audit trail that can be edited is no audit trail (PostgreSQL also refuses it)
    raise RuntimeError(f"audit event {target.id} is append-only")
