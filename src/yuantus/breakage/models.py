"""meta_breakage_incidents: one failure, against a product revision, a component, a lot."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yuantus.core.db import Base, IdMixin, UTCDateTime

STATES = ("open", "investigating", "resolved", "closed")
SEVERITIES = ("low", "medium", "high", "critical")
RESPONSIBILITIES = ("supplier", "production", "design", "field", "unknown")
# action -> (from states, to state); reopen needs a reason
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "investigate": (("open",), "investigating"),
    "resolve": (("investigating",), "resolved"),
    "close": (("resolved",), "closed"),
    "reopen": (("resolved", "closed"), "investigating"),
}
WRITER_ROLES = ("quality", "production", "engineer")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class BreakageIncident(IdMixin, Base):
    """A breakage or field failure; numbers and the failure signature are kept for SQL metrics."""

    __tablename__ = "meta_breakage_incidents"
    __table_args__ = (
        CheckConstraint(_in("status", STATES), name="status"),
        CheckConstraint(_in("severity", SEVERITIES), name="severity"),
        CheckConstraint(_in("responsibility", RESPONSIBILITIES), name="responsibility"),
        CheckConstraint("quantity >= 1", name="quantity"),
        # the metrics group by these: repeats by product + signature, hotspots by component
        Index("ix_meta_breakage_incidents_product_signature", "product_config_id", "signature"),
        Index("ix_meta_breakage_incidents_component_day", "component_config_id", "occurred_on"),
        Index("ix_meta_breakage_incidents_occurred_on", "occurred_on"),
    )

    number: Mapped[str] = mapped_column(String(16), unique=True)
    product_item_id: Mapped[str] = mapped_column(ForeignKey("meta_items.id"), index=True)
    product_config_id: Mapped[str] = mapped_column(String(36))
    product_number: Mapped[str] = mapped_column(String(64))
    component_item_id: Mapped[str] = mapped_column(ForeignKey("meta_items.id"), index=True)
    component_config_id: Mapped[str] = mapped_column(String(36))
    component_number: Mapped[str] = mapped_column(String(64))
    workorder_id: Mapped[str | None] = mapped_column(ForeignKey("meta_workorders.id"), index=True)
    batch_code: Mapped[str | None] = mapped_column(String(64), index=True)
    customer: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    failure_mode: Mapped[str | None] = mapped_column(String(128))
    # failure_mode, else the normalized description: what "the same failure" means
    signature: Mapped[str] = mapped_column(String(255))
    quantity: Mapped[int] = mapped_column(Integer)
    responsibility: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    # from/to filters range over it
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # the UTC day of occurred_at: the daily trend groups by it on every database
    occurred_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    helpdesk_ticket_id: Mapped[str | None] = mapped_column(String(128))
    helpdesk_status: Mapped[str | None] = mapped_column(String(64))
    helpdesk_last_error: Mapped[str | None] = mapped_column(Text)
    helpdesk_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # "local" when the built-in stub assigned the ticket (no helpdesk URL configured)
    helpdesk_mode: Mapped[str | None] = mapped_column(String(16))
