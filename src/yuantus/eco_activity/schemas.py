"""Request and answer shapes of the /eco-activities endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from yuantus.core.schemas import Page, PatchSchema, ReadSchema, Schema
from yuantus.core.transitions import TransitionRequest, action_field
from yuantus.eco_activity.models import ACTIVITY_TRANSITIONS

Status = Literal["pending", "active", "completed", "canceled", "exception"]
RoleName = Literal["admin", "engineer", "approver", "production", "quality", "viewer"]
BlockReason = Literal["not_completed", "dependency_not_completed", "exception"]
SlaStatus = Literal["overdue", "due_soon", "on_track", "no_due_date"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=10000)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=36)]
Ids = Annotated[list[Id], Field(max_length=100)]
Reason = Annotated[str, StringConstraints(max_length=2000)]


class ActivityCreate(Schema):
    """A new activity on an ECO."""

    eco_id: Id
    name: Name
    description: Text | None = None
    depends_on_activity_ids: Ids = Field(default_factory=list)
    is_blocking: bool = True
    assignee_id: Id | None = None
    assignee_role: RoleName | None = None
    due_at: datetime | None = None
    properties: dict[str, Any] = Field(default_factory=dict)


class ActivityUpdate(PatchSchema):
    """Changes to an open activity; new dependencies must keep the graph free of cycles."""

    clearable = frozenset({"description", "assignee_id", "assignee_role", "due_at"})

    name: Name | None = None
    description: Text | None = None
    depends_on_activity_ids: Ids | None = None
    is_blocking: bool | None = None
    assignee_id: Id | None = None
    assignee_role: RoleName | None = None
    due_at: datetime | None = None
    properties: dict[str, Any] | None = None


class StatusChange(Schema):
    """The seed's transition body: the status to move to and why."""

    to_status: Status
    reason: Reason | None = None


class ActivityTransition(TransitionRequest):
    """The unified transition body: `action` is the status to move to, `comment` the reason."""

    action: str = action_field(ACTIVITY_TRANSITIONS)


class DependencyRef(ReadSchema):
    """An activity another one depends on, with its state."""

    activity_id: str = Field(validation_alias="id")
    name: str
    state: Status


class ActivityRead(ReadSchema):
    """An ECO activity."""

    id: str
    eco_id: str
    name: str
    description: str | None
    state: Status = Field(description="pending, active, completed, canceled or exception")
    is_blocking: bool
    depends_on: list[str] = Field(description="ids of the activities this one waits for")
    assignee_id: str | None
    assignee_name: str | None
    assignee_role: str | None
    due_at: datetime | None
    properties: dict[str, Any]
    stage_id: str | None = Field(description="the stage whose template created it, if any")
    stage_visit: int | None
    template_name: str | None
    closed_at: datetime | None
    closed_by: str | None
    closed_by_name: str | None
    created_by: str | None
    created_by_name: str | None
    created_at: datetime
    updated_at: datetime


class Blocker(BaseModel):
    """A blocking activity that is neither completed nor canceled, and why it blocks."""

    activity_id: str
    name: str
    state: str
    reason: BlockReason
    unmet_dependencies: list[DependencyRef]
    assignee_id: str | None
    assignee_name: str | None
    assignee_role: str | None
    due_at: datetime | None


class ActivityEventRead(ReadSchema):
    """One entry of the activity trail of an ECO (from_status is null on creation)."""

    id: str
    eco_id: str
    seq: int
    activity_id: str
    activity_name: str
    from_status: str | None
    to_status: str
    reason: str | None
    user_id: str | None
    user_name: str | None
    created_at: datetime


class ActivitySla(BaseModel):
    """Where an open activity stands against its due date."""

    activity_id: str
    name: str
    state: str
    is_blocking: bool
    due_at: datetime | None
    sla_status: SlaStatus
    hours_left: float | None = Field(description="hours until due; null when overdue or undated")
    hours_late: float | None = Field(description="hours past due; null unless overdue")
    assignee_id: str | None
    assignee_name: str | None
    assignee_role: str | None


class SlaCounts(BaseModel):
    """How many open activities fall in each bucket."""

    overdue: int
    due_soon: int
    on_track: int
    no_due_date: int


class SlaPage(Page[ActivitySla]):
    """A page of open activities with their SLA standing, and the counts over all of them."""

    eco_id: str
    now: datetime
    due_soon_hours: float
    counts: SlaCounts
