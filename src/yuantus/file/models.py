"""Stored files and their links to item revisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yuantus.core import names
from yuantus.core.db import Base, IdMixin, UTCDateTime, utcnow

FILE_ROLES = ("native", "viewable", "printout", "attachment")


class FileObject(IdMixin, Base):
    """An uploaded file; its bytes live in storage under the sha256 key."""

    __tablename__ = "meta_files"

    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    storage_key: Mapped[str] = mapped_column(String(255))
    created_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    created_by_name = names.ref("user", "created_by")


class ItemFile(IdMixin, Base):
    """A file attached to an item revision in a role."""

    __tablename__ = "meta_item_files"
    __table_args__ = (UniqueConstraint("item_id", "file_id", "role"),)

    item_id: Mapped[str] = mapped_column(
        ForeignKey("meta_items.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[str] = mapped_column(ForeignKey("meta_files.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    file: Mapped[FileObject] = relationship(lazy="joined")

    item_number, item_revision, item_name = names.item_ref("item_id")
    created_by_name = names.ref("user", "created_by")
