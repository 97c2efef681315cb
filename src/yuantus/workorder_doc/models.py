"""meta_workorder_document_links and the controlled-copy log of every export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from yuantus.core.db import Base, IdMixin, JSONType, UTCDateTime, utcnow


class WorkorderDocumentLink(IdMixin, Base):
    """A document (by config) for a routing, or for one of its operations."""

    __tablename__ = "meta_workorder_document_links"
    __table_args__ = (
        # one link per (routing, operation, document); the routing-level case (operation
        # null) needs its own index, since NULLs never collide in a unique index
        Index(
            "uq_meta_workorder_document_links_operation",
            "routing_id",
            "operation_id",
            "document_config_id",
            unique=True,
            postgresql_where=text("operation_id IS NOT NULL"),
            sqlite_where=text("operation_id IS NOT NULL"),
        ),
        Index(
            "uq_meta_workorder_document_links_routing",
            "routing_id",
            "document_config_id",
            unique=True,
            postgresql_where=text("operation_id IS NULL"),
            sqlite_where=text("operation_id IS NULL"),
        ),
    )

    routing_id: Mapped[str] = mapped_column(ForeignKey("meta_routings.id", ondelete="CASCADE"))
    operation_id: Mapped[str | None] = mapped_column(
        ForeignKey("meta_operations.id", ondelete="CASCADE"), index=True
    )
    document_config_id: Mapped[str] = mapped_column(String(36), index=True)
    inherit_to_children: Mapped[bool] = mapped_column(Boolean, default=True)
    visible_in_production: Mapped[bool] = mapped_column(Boolean, default=True)
    sequence: Mapped[int] = mapped_column(Integer, default=10)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DocumentPackExport(IdMixin, Base):
    """One controlled copy handed out: who, when, for what, in which format, under which rule."""

    __tablename__ = "meta_workorder_document_exports"

    workorder_id: Mapped[str | None] = mapped_column(
        ForeignKey("meta_workorders.id", ondelete="SET NULL"), index=True
    )
    routing_id: Mapped[str] = mapped_column(ForeignKey("meta_routings.id"), index=True)
    operation_id: Mapped[str | None] = mapped_column(String(36))
    export_format: Mapped[str] = mapped_column(String(8))
    rule: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    generated_by: Mapped[str | None] = mapped_column(
        ForeignKey("meta_users.id", ondelete="SET NULL")
    )
    generated_by_name: Mapped[str | None] = mapped_column(String(100))
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class DocumentPackExportItem(IdMixin, Base):
    """A document revision in an export, with its files' sha256: "who got rev B of this"."""

    __tablename__ = "meta_workorder_document_export_items"
    __table_args__ = (Index("ix_meta_wo_doc_export_items_doc", "document_config_id", "revision"),)

    export_id: Mapped[str] = mapped_column(
        ForeignKey("meta_workorder_document_exports.id", ondelete="CASCADE"), index=True
    )
    document_config_id: Mapped[str] = mapped_column(String(36))
    item_number: Mapped[str] = mapped_column(String(64))
    revision: Mapped[str | None] = mapped_column(String(8))
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
