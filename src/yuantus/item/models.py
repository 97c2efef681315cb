"""Items: one row per revision of a Part or Document."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column

import yuantus.identity.models  # noqa: F401  (registers the "user" names)
from yuantus.core import names
from yuantus.core.db import Base, IdMixin, JSONType, TimestampMixin, UTCDateTime, utcnow
from yuantus.item.searchtext import search_text

ITEM_TYPES = ("Part", "Document")
STATES = ("Draft", "InReview", "Released", "Superseded", "Obsolete")
FROZEN_STATES = frozenset({"Released", "Superseded", "Obsolete"})
OPEN_STATES = frozenset({"Draft", "InReview"})
DOCUMENT_ROLES = ("drawing", "specification", "model", "other")

_OPEN_SQL = text("state IN ('Draft', 'InReview')")
_CURRENT_SQL = text("is_current")


class Item(IdMixin, TimestampMixin, Base):
    """One revision of a Part or Document; revisions share config_id."""

    __tablename__ = "meta_items"
    __table_args__ = (
        UniqueConstraint("item_type", "item_number", "revision"),
        # at most one current revision per item, and one open (Draft/InReview) revision
        Index(
            "uq_meta_items_current_config",
            "config_id",
            unique=True,
            sqlite_where=_CURRENT_SQL,
            postgresql_where=_CURRENT_SQL,
        ),
        Index(
            "uq_meta_items_open_config",
            "config_id",
            unique=True,
            sqlite_where=_OPEN_SQL,
            postgresql_where=_OPEN_SQL,
        ),
        Index("ix_meta_items_type_state", "item_type", "state"),
    )

    item_type: Mapped[str] = mapped_column(String(16))
    config_id: Mapped[str] = mapped_column(String(36), index=True)
    item_number: Mapped[str] = mapped_column(String(64), index=True)
    revision: Mapped[str] = mapped_column(String(8))
    generation: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16), default="Draft")
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    properties: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # when the revision became (or, scheduled by an ECO, will become) the current one;
    # with superseded_at it bounds the time the revision was effective (as_of resolution)
    effective_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # who moved it Draft -> InReview and who released it (four eyes: never the same person);
    # signatures are never nulled: users are deactivated, not deleted
    submitted_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id"))
    released_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id"))
    # what `q` searches (item/searchtext.py), set on every insert and update; PostgreSQL
    # indexes it with pg_trgm, SQLite mirrors it into an FTS5 table by triggers (migration 0018)
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    # names beside the ids: batched per session, one query per page (core/names.py)
    created_by_name = names.ref("user", "created_by")
    submitted_by_name = names.ref("user", "submitted_by")
    released_by_name = names.ref("user", "released_by")

    @property
    def is_frozen(self) -> bool:
        """Released, Superseded and Obsolete revisions cannot change."""
        return self.state in FROZEN_STATES


@event.listens_for(Item, "before_insert")
@event.listens_for(Item, "before_update")
def _refresh_search_text(_mapper: Mapper[Item], _connection: Connection, target: Item) -> None:
    """Keep the search text in step with the number, name, description and properties."""
    target.search_text = search_text(
        target.item_number, target.name, target.description, target.properties
    )


class ItemDocumentLink(IdMixin, Base):
    """A Part revision refers to a Document item (by config) in a role."""

    __tablename__ = "meta_item_document_links"
    __table_args__ = (UniqueConstraint("part_id", "document_config_id", "role"),)

    # a discarded draft revision takes its links with it
    part_id: Mapped[str] = mapped_column(
        ForeignKey("meta_items.id", ondelete="CASCADE"), index=True
    )
    # the document item, resolved to a revision under a rule when read
    document_config_id: Mapped[str] = mapped_column(String(36), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    part_number, part_revision, part_name = names.item_ref("part_id")
    created_by_name = names.ref("user", "created_by")


def _item_names(session: Session, ids: set[str]) -> Mapping[str, tuple[str, str, str]]:
    """(number, revision, name) by revision id (names.ref kind "item")."""
    out: dict[str, tuple[str, str, str]] = {}
    for chunk in names.chunks(ids):
        query = select(Item.id, Item.item_number, Item.revision, Item.name)
        for id_, number, revision, name in session.execute(query.where(Item.id.in_(chunk))):
            out[id_] = (number, revision, name)
    return out


def _config_names(session: Session, config_ids: set[str]) -> Mapping[str, tuple[str, str, str]]:
    """(number, revision, name) of an item's current revision, else its newest, by config_id."""
    out: dict[str, tuple[str, str, str]] = {}
    for chunk in names.chunks(config_ids):
        query = (
            select(Item.config_id, Item.item_number, Item.revision, Item.name)
            .where(Item.config_id.in_(chunk))
            # the current revision last, else the newest: the last row of a config wins
            .order_by(Item.is_current, Item.generation)
        )
        for config_id, number, revision, name in session.execute(query):
            out[config_id] = (number, revision, name)
    return out


names.register("item", _item_names)
names.register("item_config", _config_names)
