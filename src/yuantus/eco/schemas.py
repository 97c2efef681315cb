"""Request and answer shapes of the ECO endpoints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, Field, StringConstraints, model_validator

from yuantus.bom.compare_schemas import BomCompare, DeltaPreview, RuleUsed
from yuantus.core.schemas import PatchSchema, ReadSchema, Schema, WithWarnings
from yuantus.core.transitions import TransitionRequest, action_field

EcoType = Literal["bom", "product", "document"]
Priority = Literal["low", "normal", "high", "urgent"]
EcoState = Literal["draft", "progress", "conflict", "approved", "scheduled", "done", "canceled"]
ApprovalType = Literal["none", "optional", "mandatory", "comment"]
RoleName = Literal["admin", "engineer", "approver", "production", "quality", "viewer"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
StageName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text = Annotated[str, StringConstraints(max_length=10000)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=36)]


class EcoCreate(Schema):
    """A new ECO on the current released revision of a product."""

    name: Name
    eco_type: EcoType
    product_id: Id
    description: Text | None = None
    priority: Priority = "normal"
    effectivity_date: date | None = None


class EcoUpdate(PatchSchema):
    """Changes to an open ECO; `version` (optional) refuses the edit if someone changed it."""

    clearable = frozenset({"description", "effectivity_date"})

    name: Name | None = None
    eco_type: EcoType | None = None
    description: Text | None = None
    priority: Priority | None = None
    effectivity_date: date | None = None
    version: int | None = Field(default=None, ge=1)


ECO_ACTIONS = ("move", "approve", "reject", "apply", "cancel")


class EcoTransitionRequest(TransitionRequest):
    """An ECO action: move (needs stage_id), approve, reject (with the comment), apply, cancel."""

    # the keys of eco/transitions.ECO_TRANSITIONS (which imports these schemas); a test keeps
    # the two lists equal
    action: str = action_field(ECO_ACTIONS)
    stage_id: Id | None = Field(default=None, description="move only: the stage to move to")

    @model_validator(mode="after")
    def _stage_only_for_move(self) -> Self:
        """stage_id belongs to move alone: elsewhere it would be silently ignored."""
        if self.stage_id is not None and self.action != "move":
            raise ValueError("stage_id is given only with action move")
        return self


class EcoRead(ReadSchema):
    """An ECO as the API shows it."""

    id: str
    number: str
    name: str
    eco_type: str
    product_id: str
    product_number: str
    product_revision: str
    product_name: str
    product_config_id: str
    target_item_id: str | None
    target_number: str | None
    target_revision: str | None
    target_name: str | None
    stage_id: str
    stage_name: str
    stage_visit: int
    # the target cannot change while locked (under review or approved); see docs/api-eco.md
    target_locked: bool
    locked_since_visit: int | None
    state: str
    kanban_state: str
    priority: str
    effectivity_date: date | None
    description: str | None
    created_by: str | None
    created_by_name: str | None
    created_at: datetime
    updated_at: datetime
    applied_at: datetime | None
    version: int


class EcoTransitionRead(EcoRead, WithWarnings):
    """An ECO after a transition, with the warnings its hooks gave."""


class ActivityTemplate(Schema):
    """An activity an ECO gets on entering the stage; depends_on names other templates."""

    name: Name
    is_blocking: bool = True
    depends_on: list[Name] = Field(default_factory=list, max_length=50)
    assignee_role: RoleName | None = None
    due_in_days: float | None = Field(default=None, gt=0, le=3650)
    description: Text | None = None


ActivityTemplates = Annotated[list[ActivityTemplate], Field(max_length=50)]


class EcoStageCreate(Schema):
    """A new ECO stage (admin)."""

    name: StageName
    sequence: int = Field(ge=0, le=1_000_000)
    approval_type: ApprovalType = "none"
    approval_roles: list[RoleName] = Field(default_factory=list, max_length=6)
    min_approvals: int = Field(default=0, ge=0, le=100)
    allow_apply: bool = False
    is_final: bool = False
    fold: bool = False
    auto_progress: bool = False
    description: Text | None = None
    activity_templates: ActivityTemplates = Field(default_factory=list)


class EcoStageUpdate(PatchSchema):
    """Changes to an ECO stage (admin)."""

    clearable = frozenset({"description"})

    name: StageName | None = None
    sequence: int | None = Field(default=None, ge=0, le=1_000_000)
    approval_type: ApprovalType | None = None
    approval_roles: list[RoleName] | None = Field(default=None, max_length=6)
    min_approvals: int | None = Field(default=None, ge=0, le=100)
    allow_apply: bool | None = None
    is_final: bool | None = None
    fold: bool | None = None
    auto_progress: bool | None = None
    description: Text | None = None
    activity_templates: ActivityTemplates | None = None


class EcoStageRead(ReadSchema):
    """An ECO stage."""

    id: str
    name: str
    sequence: int
    approval_type: str
    approval_roles: list[str]
    min_approvals: int
    allow_apply: bool
    is_final: bool
    fold: bool
    auto_progress: bool
    description: str | None
    activity_templates: list[ActivityTemplate]


class EcoApprovalRead(ReadSchema):
    """One user's decision on one visit of a stage."""

    id: str
    eco_id: str
    stage_id: str
    stage_visit: int
    user_id: str
    user_name: str | None
    decision: str
    comment: str | None
    content_digest: str | None
    created_at: datetime


class EcoEventRead(ReadSchema):
    """One entry of an ECO's history."""

    id: str
    eco_id: str
    seq: int
    event_type: str
    user_id: str | None
    user_name: str | None
    from_value: str | None
    to_value: str | None
    data: dict[str, Any]
    created_at: datetime


class EcoBomChanges(BaseModel):
    """The BOM compare and delta preview of an ECO's source revision against its target."""

    eco_id: str
    eco_number: str | None = None
    source_item_id: str
    source_number: str | None = None
    source_revision: str
    source_name: str | None = None
    target_item_id: str
    target_number: str | None = None
    target_revision: str
    target_name: str | None = None
    source_rule: RuleUsed
    target_rule: RuleUsed
    compare: BomCompare
    delta: DeltaPreview
