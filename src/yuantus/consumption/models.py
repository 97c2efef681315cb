"""meta_consumption_plans and meta_consumption_records: planned rates and what was used."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from yuantus.core.db import Base, IdMixin, JSONType, TimestampMixin, UTCDateTime
from yuantus.core.decimals import ExactDecimal
from yuantus.core.transitions import Rule

PERIOD_UNITS = ("day", "week", "month")
STATES = ("draft", "active", "closed")
SOURCE_TYPES = ("workorder", "manual", "import")
WRITER_ROLES = ("production", "engineer")
# action -> Rule(from states, to state, roles); docs/glossary.md repeats it (a test checks)
TRANSITIONS: dict[str, Rule] = {
    "activate": Rule(("draft",), "active", WRITER_ROLES),
    "close": Rule(("draft", "active"), "closed", WRITER_ROLES),
}
DEFAULT_UNDER = Decimal("0.9")
DEFAULT_OVER = Decimal("1.1")

_ACTIVE_SQL = text("state = 'active' AND template_key IS NOT NULL")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ConsumptionPlan(IdMixin, TimestampMixin, Base):
    """How much of a material a product line should use per period (day, week or month)."""

    __tablename__ = "meta_consumption_plans"
    __table_args__ = (
        CheckConstraint(_in("state", STATES), name="state"),
        CheckConstraint(_in("period_unit", PERIOD_UNITS), name="period_unit"),
        CheckConstraint("period_end >= period_start", name="period"),
        CheckConstraint("planned_quantity > 0", name="planned_quantity"),
        UniqueConstraint("template_key", "template_version"),
        # one active version per template, whatever the writers race
        Index(
            "uq_meta_consumption_plans_active_template",
            "template_key",
            unique=True,
            sqlite_where=_ACTIVE_SQL,
            postgresql_where=_ACTIVE_SQL,
        ),
        Index("ix_meta_consumption_plans_item_state", "item_config_id", "state"),
    )

    name: Mapped[str] = mapped_column(String(200))
    # the material revision named at creation; plans match every revision by config_id
    item_id: Mapped[str] = mapped_column(ForeignKey("meta_items.id"), index=True)
    item_config_id: Mapped[str] = mapped_column(String(36))
    period_unit: Mapped[str] = mapped_column(String(8))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    planned_quantity: Mapped[Decimal] = mapped_column(ExactDecimal())
    uom: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    template_key: Mapped[str | None] = mapped_column(String(64))
    template_version: Mapped[int | None] = mapped_column(Integer)
    under_threshold: Mapped[Decimal] = mapped_column(ExactDecimal(), default=DEFAULT_UNDER)
    over_threshold: Mapped[Decimal] = mapped_column(ExactDecimal(), default=DEFAULT_OVER)
    properties: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))


class ConsumptionRecord(IdMixin, Base):
    """One actual: the quantity as reported and converted to the plan's uom."""

    __tablename__ = "meta_consumption_records"
    __table_args__ = (
        CheckConstraint(_in("source_type", SOURCE_TYPES), name="source_type"),
        # only a correction of another record may take quantity away
        CheckConstraint("quantity >= 0 OR corrects_id IS NOT NULL", name="correction"),
        # the variance and the dashboard group a plan's records by day
        Index("ix_meta_consumption_records_plan_day", "plan_id", "recorded_on"),
        Index("ix_meta_consumption_records_source", "source_type", "source_id"),
    )

    plan_id: Mapped[str] = mapped_column(ForeignKey("meta_consumption_plans.id"))
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal())
    uom: Mapped[str] = mapped_column(String(16))
    # quantity in the plan's uom: what the sums add
    plan_quantity: Mapped[Decimal] = mapped_column(ExactDecimal())
    source_type: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str | None] = mapped_column(String(64))
    corrects_id: Mapped[str | None] = mapped_column(ForeignKey("meta_consumption_records.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # the UTC day of recorded_at: buckets are computed from it alike on every database
    recorded_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str | None] = mapped_column(
        ForeignKey("meta_users.id", ondelete="SET NULL")
    )
    properties: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
