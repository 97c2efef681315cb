"""ORM models of the bom domain: meta_bom_lines (parent revision -> child item)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yuantus.core import names
from yuantus.core.db import Base, IdMixin, JSONType, TimestampMixin
from yuantus.core.decimals import ExactDecimal

# the same literal SQL in the model and in migration 0004_bom (on SQLite the column holds
# canonical decimal text, for which this text comparison is the numeric one)
QUANTITY_CHECK = "quantity > 0"
# the range of the column (PostgreSQL INTEGER); SQLite would also store text or a float in
# it (its columns take any value), which every later read of the line failed on, so there
# the check also asks for an integer (migration 0025_bom_checks)
SEQUENCE_MIN, SEQUENCE_MAX = -(2**31), 2**31 - 1
SEQUENCE_RANGE_CHECK = f"sequence BETWEEN {SEQUENCE_MIN} AND {SEQUENCE_MAX}"
SEQUENCE_INTEGER_CHECK = f"typeof(sequence) = 'integer' AND {SEQUENCE_RANGE_CHECK}"


class BomLine(IdMixin, TimestampMixin, Base):
    """One BOM line: a parent *revision* uses a quantity of a child *item* (any revision)."""

    __tablename__ = "meta_bom_lines"
    __table_args__ = (
        CheckConstraint(QUANTITY_CHECK, name="quantity_positive"),
        CheckConstraint(SEQUENCE_INTEGER_CHECK, name="sequence_integer").ddl_if(dialect="sqlite"),
        CheckConstraint(SEQUENCE_RANGE_CHECK, name="sequence_range").ddl_if(dialect="postgresql"),
    )

    # a discarded draft revision takes its lines with it
    parent_item_id: Mapped[str] = mapped_column(
        ForeignKey("meta_items.id", ondelete="CASCADE"), index=True
    )
    # the child item, resolved to its current revision at explosion time
    child_config_id: Mapped[str] = mapped_column(String(36), index=True)
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal())
    uom: Mapped[str] = mapped_column(String(16), default="EA")
    find_num: Mapped[str | None] = mapped_column(String(32))
    refdes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str | None] = mapped_column(Text)
    properties: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    # names beside the ids (core/names.py); the child is an item, named by its current revision
    parent_number, parent_revision, parent_name = names.item_ref("parent_item_id")
    child_number = names.ref("item_config", "child_config_id", 0)
    child_name = names.ref("item_config", "child_config_id", 2)
