"""ORM models of the eco_activity domain: activities (gates) and their append-only events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yuantus.core.db import Base, IdMixin, JSONType, TimestampMixin, UTCDateTime, utcnow
from yuantus.core.transitions import Rule
from yuantus.identity.models import User

STATUSES = ("pending", "active", "completed", "canceled", "exception")
FINAL_STATUSES = frozenset({"completed", "canceled"})
OPEN_STATUSES = ("pending", "active", "exception")
# the allowed moves; completed and canceled are final
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending": ("active", "canceled"),
    "active": ("completed", "exception", "canceled"),
    "exception": ("active", "canceled"),
    "completed": (),
    "canceled": (),
}
# who may move any activity; the assignee (user or role) may move their own
MOVER_ROLES = ("engineer", "admin")
# TRANSITIONS as the glossary lists it: each target status is the action that reaches it
ACTIVITY_TRANSITIONS: dict[str, Rule] = {
    to: Rule(tuple(s for s in STATUSES if to in TRANSITIONS[s]), to, MOVER_ROLES)
    for to in STATUSES
    if any(to in TRANSITIONS[s] for s in STATUSES)
}


class EcoActivityGate(IdMixin, TimestampMixin, Base):
    """One piece of work an ECO waits for, with the activities it depends on."""

    __tablename__ = "meta_eco_activity_gates"
    __table_args__ = (
        # a stage's templates are created once per visit, even when two moves race
        UniqueConstraint("eco_id", "stage_id", "stage_visit", "template_name"),
        Index("ix_meta_eco_activity_gates_eco_status", "eco_id", "status"),
    )

    eco_id: Mapped[str] = mapped_column(ForeignKey("meta_ecos.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    is_blocking: Mapped[bool] = mapped_column(Boolean, default=True)
    # ids of activities of the same ECO that must complete first
    depends_on: Mapped[list[str]] = mapped_column(JSONType, default=list)
    assignee_id: Mapped[str | None] = mapped_column(
        ForeignKey("meta_users.id", ondelete="SET NULL"), index=True
    )
    assignee_role: Mapped[str | None] = mapped_column(String(32), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    properties: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))
    created_by: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))
    # set when a stage template created the activity: which stage, which visit, which template
    stage_id: Mapped[str | None] = mapped_column(ForeignKey("meta_eco_stages.id"))
    stage_visit: Mapped[int | None] = mapped_column(Integer)
    template_name: Mapped[str | None] = mapped_column(String(200))

    # many-to-one loads hit the identity map first: one query per distinct user on a list
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], viewonly=True)
    closer: Mapped[User | None] = relationship(foreign_keys=[closed_by], viewonly=True)
    creator: Mapped[User | None] = relationship(foreign_keys=[created_by], viewonly=True)

    @property
    def state(self) -> str:
        """The API's name for the status."""
        return self.status

    @property
    def is_open(self) -> bool:
        """Neither completed nor canceled."""
        return self.status not in FINAL_STATUSES

    @property
    def assignee_name(self) -> str | None:
        """The assignee's username."""
        return self.assignee.username if self.assignee else None

    @property
    def closed_by_name(self) -> str | None:
        """The username of who completed or canceled it."""
        return self.closer.username if self.closer else None

    @property
    def created_by_name(self) -> str | None:
        """The creator's username."""
        return self.creator.username if self.creator else None


class EcoActivityGateEvent(IdMixin, Base):
    """One entry of the activities' append-only trail: creation or a status move."""

    __tablename__ = "meta_eco_activity_gate_events"
    __table_args__ = (UniqueConstraint("eco_id", "seq"),)

    eco_id: Mapped[str] = mapped_column(ForeignKey("meta_ecos.id"), index=True)
    activity_id: Mapped[str] = mapped_column(ForeignKey("meta_eco_activity_gates.id"), index=True)
    # per-ECO order; written under the ECO row lock, so gap-free and strictly increasing
    seq: Mapped[int] = mapped_column(Integer)
    # None on the creation event
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("meta_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id], viewonly=True)
    activity: Mapped[EcoActivityGate] = relationship(viewonly=True)

    @property
    def user_name(self) -> str | None:
        """The username of who made the change."""
        return self.user.username if self.user else None

    @property
    def activity_name(self) -> str:
        """The activity's name."""
        return self.activity.name


@event.listens_for(EcoActivityGateEvent, "before_update")
@event.listens_for(EcoActivityGateEvent, "before_delete")
def _events_are_append_only(_mapper: Any, _connection: Any, target: EcoActivityGateEvent) -> None:
    # a trail that can be edited is no audit trail
    raise RuntimeError(f"ECO activity event {target.id} is append-only")
