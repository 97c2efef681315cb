"""ORM models of the eco domain: stages, change orders, approvals and their history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yuantus.core import names
from yuantus.core.db import Base, IdMixin, JSONType, TimestampMixin, UTCDateTime, utcnow

APPROVAL_TYPES = ("none", "optional", "mandatory", "comment")
ECO_TYPES = ("bom", "product", "document")
# scheduled: applied before its effectivity date, waiting for the switch (eco/effectivity.py)
ECO_STATES = ("draft", "progress", "conflict", "approved", "scheduled", "done", "canceled")
KANBAN_STATES = ("normal", "blocked", "done")
PRIORITIES = ("low", "normal", "high", "urgent")
DECISIONS = ("approved", "rejected", "comment")
# an ECO in one of these states accepts no further flow action
CLOSED_STATES = frozenset({"done", "canceled"})


class EcoStage(IdMixin, TimestampMixin, Base):
    """A step of the change process, with the approvals it asks for."""

    __tablename__ = "meta_eco_stages"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, index=True)
    approval_type: Mapped[str] = mapped_column(String(16), default="none")
    approval_roles: Mapped[list[str]] = mapped_column(JSONType, default=list)
    min_approvals: Mapped[int] = mapped_column(Integer, default=0)
    allow_apply: Mapped[bool] = mapped_column(Boolean, default=False)
    is_final: Mapped[bool] = mapped_column(Boolean, default=False)
    fold: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_progress: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(Text)
    # the activities an ECO gets on entering the stage (eco_activity creates them), each
    # {name, is_blocking, depends_on (template names), assignee_role, due_in_days}
    activity_templates: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)

    @property
    def takes_approvals(self) -> bool:
        """True when approvers sign (or comment on) this stage."""
        return self.approval_type != "none"


class Eco(IdMixin, TimestampMixin, Base):
    """An engineering change order: a source revision, its draft target and its progress."""

    __tablename__ = "meta_ecos"
    __table_args__ = (Index("ix_meta_ecos_state_stage", "state", "stage_id"),)

    number: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    eco_type: Mapped[str] = mapped_column(String(16))
    product_id: Mapped[str] = mapped_column(ForeignKey("meta_items.id"), index=True)
    # the item (all revisions) the ECO changes: conflict checks and product filters use it
    product_config_id: Mapped[str] = mapped_column(String(36), index=True)
    target_item_id: Mapped[str | None] = mapped_column(
        ForeignKey("meta_items.id", ondelete="SET NULL"), index=True
    )
    stage_id: Mapped[str] = mapped_column(ForeignKey("meta_eco_stages.id"), index=True)
    # incremented on every stage entry so approvals count once per visit of a stage
    stage_visit: Mapped[int] = mapped_column(Integer, default=1)
    # the stage visit since which the target is locked (it entered a stage with approvals
    # then); None while editable. Approvals of this visit or later are the ones apply checks.
    locked_since_visit: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    kanban_state: Mapped[str] = mapped_column(String(16), default="normal")
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    effectivity_date: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer)

    stage: Mapped[EcoStage] = relationship(lazy="joined", innerjoin=True)

    __mapper_args__ = {"version_id_col": version}

    # names beside the ids (core/names.py)
    product_number, product_revision, product_name = names.item_ref("product_id")
    target_number, target_revision, target_name = names.item_ref("target_item_id")
    created_by_name = names.ref("user", "created_by")

    @property
    def stage_name(self) -> str:
        """The name of the current stage."""
        return self.stage.name

    @property
    def target_locked(self) -> bool:
        """True while the target revision is under review or approved (and the ECO open)."""
        return self.locked_since_visit is not None and self.state not in CLOSED_STATES


class EcoApproval(IdMixin, Base):
    """One user's decision on one visit of a stage."""

    __tablename__ = "meta_eco_approvals"
    __table_args__ = (
        # once per user per stage visit, enforced by the database against racing clicks
        UniqueConstraint("eco_id", "stage_id", "stage_visit", "user_id"),
    )

    eco_id: Mapped[str] = mapped_column(ForeignKey("meta_ecos.id", ondelete="CASCADE"), index=True)
    stage_id: Mapped[str] = mapped_column(ForeignKey("meta_eco_stages.id"), index=True)
    stage_visit: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[str] = mapped_column(ForeignKey("meta_users.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    # sha256 of the target's content as the user saw it (eco/digest.py); None on decisions
    # recorded before digests existed
    content_digest: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user_name = names.ref("user", "user_id")


class EcoEvent(IdMixin, Base):
    """One entry of an ECO's append-only history: who changed what, from what, to what."""

    __tablename__ = "meta_eco_events"
    __table_args__ = (UniqueConstraint("eco_id", "seq"),)

    # no cascade: an ECO with history cannot be deleted (ECOs are canceled, never removed)
    eco_id: Mapped[str] = mapped_column(ForeignKey("meta_ecos.id"), index=True)
    # per-ECO order; written under the ECO row lock, so gap-free and strictly increasing
    seq: Mapped[int] = mapped_column(Integer)
    event_type: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))
    from_value: Mapped[str | None] = mapped_column(String(200))
    to_value: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user_name = names.ref("user", "user_id")


@event.listens_for(EcoEvent, "before_update")
@event.listens_for(EcoEvent, "before_delete")
def _history_is_append_only(_mapper: Any, _connection: Any, target: EcoEvent) -> None:
    # history that can be edited is no audit trail
    raise RuntimeError(f"ECO event {target.id} is append-only")
