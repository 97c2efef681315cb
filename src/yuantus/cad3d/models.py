"""meta_3d_overlays: one overlay per document revision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from yuantus.core.db import Base, IdMixin, JSONType, UTCDateTime, utcnow


class ThreeDOverlay(IdMixin, Base):
    """Who may see a model's PLM data, and which component ref is which part."""

    __tablename__ = "meta_3d_overlays"

    document_item_id: Mapped[str] = mapped_column(
        ForeignKey("meta_items.id", ondelete="CASCADE"), unique=True
    )
    version_label: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="active")
    # empty: any signed-in user; else one of these roles (admin always)
    visibility_roles: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # [{component_ref, item_config_id, label, properties}]: refs as the model names them
    components: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    properties: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def normalized_ref(ref: str) -> str:
    """How refs compare: trimmed, case-insensitive."""
    return ref.strip().casefold()
