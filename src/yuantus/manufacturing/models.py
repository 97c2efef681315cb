"""ORM models of the manufacturing domain: work centers, routings, operations, work orders."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from yuantus.core import names
from yuantus.core.db import Base, IdMixin, JSONType, TimestampMixin, UTCDateTime
from yuantus.core.decimals import ExactDecimal

ROUTING_STATES = ("draft", "released", "obsolete")
WORKORDER_STATES = ("draft", "released", "in_progress", "done", "canceled")

_PRIMARY_SQL = text("is_primary")


class WorkCenter(IdMixin, TimestampMixin, Base):
    """A place (machine, cell, line) where operations are performed."""

    __tablename__ = "meta_workcenters"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    # hours of work the center can do per day
    capacity_per_day: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(8))
    # 1.0 = nominal speed; planned run time is divided by it
    efficiency: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(1))
    # cost per hour of work at the center
    cost_rate: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Routing(IdMixin, TimestampMixin, Base):
    """How a product is made: ordered operations; versions share a routing_code."""

    __tablename__ = "meta_routings"
    __table_args__ = (
        UniqueConstraint("routing_code", "version"),
        # at most one primary routing per product, whatever the writers race
        Index(
            "uq_meta_routings_primary_product",
            "product_config_id",
            unique=True,
            sqlite_where=_PRIMARY_SQL,
            postgresql_where=_PRIMARY_SQL,
        ),
    )

    # the product item's config_id, so the routing follows the product's revisions
    product_config_id: Mapped[str] = mapped_column(String(36), index=True)
    routing_code: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))

    # names beside the ids (core/names.py); the product is an item, named by its current revision
    product_number = names.ref("item_config", "product_config_id", 0)
    product_name = names.ref("item_config", "product_config_id", 2)
    created_by_name = names.ref("user", "created_by")


class Operation(IdMixin, TimestampMixin, Base):
    """One step of a routing at a work center, with setup and per-unit run times (minutes)."""

    __tablename__ = "meta_operations"
    __table_args__ = (UniqueConstraint("routing_id", "operation_number"),)

    routing_id: Mapped[str] = mapped_column(
        ForeignKey("meta_routings.id", ondelete="CASCADE"), index=True
    )
    operation_number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    sequence: Mapped[int] = mapped_column(Integer)
    workcenter_id: Mapped[str] = mapped_column(ForeignKey("meta_workcenters.id"), index=True)
    setup_time: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    run_time: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    work_instructions: Mapped[str | None] = mapped_column(Text)
    properties: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    workcenter_code = names.ref("workcenter", "workcenter_id", 0)
    workcenter_name = names.ref("workcenter", "workcenter_id", 1)


class WorkOrder(IdMixin, TimestampMixin, Base):
    """An order to build a quantity of a product on a routing."""

    __tablename__ = "meta_workorders"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_meta_workorders_status_product", "status", "product_config_id"),
    )

    number: Mapped[str] = mapped_column(String(32), unique=True)
    product_config_id: Mapped[str] = mapped_column(String(36), index=True)
    # the product revision built; pinned to the current Released one when the order is released
    product_item_id: Mapped[str] = mapped_column(ForeignKey("meta_items.id"), index=True)
    routing_id: Mapped[str | None] = mapped_column(ForeignKey("meta_routings.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal())
    # the API's `state`; the column keeps the seed's name
    state: Mapped[str] = mapped_column("status", String(16), default="draft")
    due_date: Mapped[date | None] = mapped_column(Date)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # set when releasing stored the materials (meta_workorder_materials): they answer from then
    materials_snapshot_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))

    # names beside the ids (core/names.py)
    product_number, product_revision, product_name = names.item_ref("product_item_id")
    routing_code = names.ref("routing", "routing_id", 0)
    routing_version = names.ref("routing", "routing_id", 1)
    created_by_name = names.ref("user", "created_by")


class WorkOrderMaterial(IdMixin, Base):
    """A material requirement of a work order, stored when the order was released.

    What was released to the shop floor never moves: an ECO on a component afterwards does
    not change these rows. The component revision is the one the rule resolved to then.
    """

    __tablename__ = "meta_workorder_materials"

    workorder_id: Mapped[str] = mapped_column(
        ForeignKey("meta_workorders.id", ondelete="CASCADE"), index=True
    )
    component_config_id: Mapped[str] = mapped_column(String(36))
    # none when the component had no revision under the rule (listed as unresolved)
    component_item_id: Mapped[str | None] = mapped_column(ForeignKey("meta_items.id"))
    item_number: Mapped[str | None] = mapped_column(String(64))
    revision: Mapped[str | None] = mapped_column(String(8))
    name: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str | None] = mapped_column(String(16))
    uom: Mapped[str] = mapped_column(String(16))
    quantity_per_unit: Mapped[Decimal] = mapped_column(ExactDecimal())
    required_quantity: Mapped[Decimal] = mapped_column(ExactDecimal())
    bom_lines: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(16))
    rule_as_of: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


def _workcenter_names(session: Session, ids: set[str]) -> Mapping[str, tuple[str, str]]:
    """(code, name) by work center id (names.ref kind "workcenter")."""
    out: dict[str, tuple[str, str]] = {}
    for chunk in names.chunks(ids):
        query = select(WorkCenter.id, WorkCenter.code, WorkCenter.name)
        for id_, code, name in session.execute(query.where(WorkCenter.id.in_(chunk))):
            out[id_] = (code, name)
    return out


def _routing_names(session: Session, ids: set[str]) -> Mapping[str, tuple[str, int]]:
    """(routing_code, version) by routing id (names.ref kind "routing")."""
    out: dict[str, tuple[str, int]] = {}
    for chunk in names.chunks(ids):
        query = select(Routing.id, Routing.routing_code, Routing.version)
        for id_, code, version in session.execute(query.where(Routing.id.in_(chunk))):
            out[id_] = (code, version)
    return out


names.register("workcenter", _workcenter_names)
names.register("routing", _routing_names)
