"""Request and answer shapes of custom action rules, runs and executions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from yuantus.core.schemas import PatchSchema, ReadSchema, Schema

Target = Literal["ECO", "ITEM"]
TriggerPhase = Literal["before", "after"]
ActionType = Literal["emit_event", "create_job", "set_eco_priority"]
Strategy = Literal["block", "warn", "retry"]


class RuleWrite(Schema):
    """A rule, upserted by name."""

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.\-]*$")
    target_object: Target
    from_state: str | None = Field(default=None, max_length=100, description="null: any")
    to_state: str | None = Field(default=None, max_length=100, description="null: any")
    trigger_phase: TriggerPhase = "after"
    action_type: ActionType
    action_params: dict[str, Any] = Field(default_factory=dict)
    fail_strategy: Strategy = "warn"
    max_retries: int = Field(default=0, ge=0, le=10, description="retry strategy only")
    priority: int = Field(default=100, ge=0, le=100_000, description="lower runs first")
    timeout_s: float = Field(default=5.0, gt=0, le=60)
    is_enabled: bool = True


class RuleUpdate(PatchSchema):
    """Fields of a rule to change."""

    clearable = frozenset({"from_state", "to_state"})

    from_state: str | None = Field(default=None, max_length=100)
    to_state: str | None = Field(default=None, max_length=100)
    trigger_phase: TriggerPhase | None = None
    action_type: ActionType | None = None
    action_params: dict[str, Any] | None = None
    fail_strategy: Strategy | None = None
    max_retries: int | None = Field(default=None, ge=0, le=10)
    priority: int | None = Field(default=None, ge=0, le=100_000)
    timeout_s: float | None = Field(default=None, gt=0, le=60)
    is_enabled: bool | None = None


class ActionRuleRead(ReadSchema):
    """A custom-action rule."""

    id: str
    name: str
    target_object: str
    from_state: str | None
    to_state: str | None
    trigger_phase: str
    action_type: str
    action_params: dict[str, Any]
    fail_strategy: str
    max_retries: int
    priority: int
    timeout_s: float
    is_enabled: bool
    created_at: datetime
    updated_at: datetime


class RunRead(ReadSchema):
    """One run of a rule on one transition."""

    id: str
    rule_id: str
    rule_name: str
    object_type: str
    object_id: str
    from_state: str | None
    to_state: str | None
    phase: str
    status: str = Field(description="completed, warning or failed")
    result_code: str = Field(description="OK, WARN, RETRY_EXHAUSTED, BLOCK or TIMEOUT")
    attempts: int
    error: str | None
    result: dict[str, Any]
    duration_ms: float
    created_at: datetime


class ExecuteRequest(Schema):
    """Run (or, with dry_run, only plan) the rules for an object and a from/to."""

    object_id: str = Field(max_length=36)
    target_object: Target
    from_state: str | None = Field(default=None, max_length=100)
    to_state: str | None = Field(default=None, max_length=100)
    trigger_phase: TriggerPhase = "after"
    dry_run: bool = False


class PlannedRun(BaseModel):
    """A rule a dry run would run, in order, and what it would do."""

    rule_id: str
    rule: str
    priority: int
    action_type: str
    fail_strategy: str
    would: str


class ExecuteResult(BaseModel):
    """The plan (dry run) or the runs it made, with the warnings they gave."""

    dry_run: bool
    planned: list[PlannedRun]
    runs: list[RunRead]
    warnings: list[str]
