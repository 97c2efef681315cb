"""Request and answer shapes of consumption plans, actuals, variance and the dashboard."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from yuantus.consumption.models import TRANSITIONS
from yuantus.core.decimals import Exact, ExactOut
from yuantus.core.schemas import Schema
from yuantus.core.transitions import TransitionRequest, action_field

PeriodUnit = Literal["day", "week", "month"]
State = Literal["draft", "active", "closed"]
SourceType = Literal["workorder", "manual", "import"]
Status = Literal["under", "on_track", "over"]
_RATIO = Field(default=None, gt=0, le=100, description="share of the plan, e.g. 0.9 = 90 %")


class PlanFields(Schema):
    """What a plan (or a template version) is: material, period, rate and thresholds."""

    name: str = Field(min_length=1, max_length=200)
    item_id: str = Field(max_length=36, description="the material (any revision)")
    period_unit: PeriodUnit
    period_start: date
    period_end: date
    planned_quantity: Exact = Field(gt=0, description="per period_unit, in uom")
    uom: str = Field(min_length=1, max_length=16, description="EA, KG, G, M, MM, L, ML, ...")
    under_threshold: Exact | None = _RATIO
    over_threshold: Exact | None = _RATIO
    properties: dict[str, Any] = Field(default_factory=dict)


class PlanCreate(PlanFields):
    """A new draft plan; a template key makes it the key's next version."""

    template_key: str | None = Field(default=None, min_length=1, max_length=64)


class PlanUpdate(Schema):
    """Changes to a plan that is not closed; the material and uom stay."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    period_start: date | None = None
    period_end: date | None = None
    planned_quantity: Exact | None = Field(default=None, gt=0)
    under_threshold: Exact | None = _RATIO
    over_threshold: Exact | None = _RATIO
    properties: dict[str, Any] | None = None


class PlanRead(BaseModel):
    """A plan with the material's number, revision and name and the creator's username."""

    id: str
    name: str
    item_id: str
    item_number: str
    revision: str
    item_name: str
    period_unit: PeriodUnit
    period_start: date
    period_end: date
    planned_quantity: ExactOut
    uom: str
    state: State
    template_key: str | None
    template_version: int | None
    under_threshold: ExactOut
    over_threshold: ExactOut
    properties: dict[str, Any]
    activated_at: datetime | None
    closed_at: datetime | None
    created_by: str | None
    created_by_name: str | None
    created_at: datetime
    updated_at: datetime


class ActualCreate(Schema):
    """One actual on a plan; negative only as a correction of one of its records."""

    quantity: Exact
    uom: str | None = Field(default=None, max_length=16, description="default: the plan's")
    recorded_at: AwareDatetime | None = Field(default=None, description="default: now")
    source_type: SourceType = "manual"
    source_id: str | None = Field(default=None, max_length=64)
    corrects_id: str | None = Field(
        default=None, max_length=36, description="the record this one corrects"
    )
    properties: dict[str, Any] = Field(default_factory=dict)


class RecordRead(BaseModel):
    """A recorded actual: as reported and in the plan's uom."""

    id: str
    plan_id: str
    plan_name: str
    quantity: ExactOut
    uom: str
    plan_quantity: ExactOut
    plan_uom: str
    source_type: SourceType
    source_id: str | None
    workorder_number: str | None
    corrects_id: str | None
    recorded_at: datetime
    recorded_by: str | None
    recorded_by_name: str | None
    properties: dict[str, Any]
    created_at: datetime


class ConsumptionLine(Schema):
    """What a work order used of one material."""

    item_id: str = Field(max_length=36)
    quantity: Exact = Field(gt=0)
    uom: str = Field(min_length=1, max_length=16)


class WorkOrderConsumptionCreate(Schema):
    """The materials a work order consumed."""

    lines: list[ConsumptionLine] = Field(min_length=1, max_length=500)
    recorded_at: AwareDatetime | None = Field(default=None, description="default: now")


class UnplannedLine(BaseModel):
    """A line no active plan covers: recorded nowhere."""

    item_id: str
    item_number: str
    revision: str
    name: str
    quantity: ExactOut
    uom: str


class WorkOrderConsumption(BaseModel):
    """The records a work order's report created, and the lines no plan covers."""

    workorder_id: str
    workorder_number: str
    records: list[RecordRead]
    unplanned: list[UnplannedLine]


class PeriodFigures(BaseModel):
    """Planned against actual in one bucket."""

    period: str = Field(description="2026-02-03, 2026-W06 (ISO week) or 2026-02")
    period_start: date
    period_end: date
    planned: ExactOut
    actual: ExactOut
    delta: ExactOut
    delta_ratio: ExactOut | None = Field(description="delta / planned; null if nothing planned")
    status: Status


class PlanVariance(BaseModel):
    """A plan's variance per bucket over its period; actuals outside the period are left out."""

    plan_id: str
    plan_name: str
    item_id: str
    item_number: str
    revision: str
    item_name: str
    uom: str
    bucket: PeriodUnit
    under_threshold: ExactOut
    over_threshold: ExactOut
    items: list[PeriodFigures]
    total: PeriodFigures


class DashboardRow(PeriodFigures):
    """One material in one bucket, summed across its active and closed plans."""

    item_config_id: str
    item_id: str
    item_number: str
    revision: str
    item_name: str
    uom: str
    plans: int


class ImpactPreviewRequest(Schema):
    """A proposed version: a draft version by number, and/or fields that change."""

    version: int | None = Field(default=None, ge=1, description="default: the active version")
    planned_quantity: Exact | None = Field(default=None, gt=0)
    period_unit: PeriodUnit | None = None
    period_start: date | None = None
    period_end: date | None = None
    under_threshold: Exact | None = _RATIO
    over_threshold: Exact | None = _RATIO
    as_of: date | None = Field(default=None, description="open periods end on or after; today")


class ImpactRow(BaseModel):
    """One open period now and with the proposal active."""

    period: str
    period_start: date
    period_end: date
    current: PeriodFigures | None = Field(description="null when the active plan has no such")
    proposed: PeriodFigures
    status_changed: bool


class ImpactPreview(BaseModel):
    """How the open periods of a template would look with the proposed version active."""

    template_key: str
    active_plan_id: str | None
    active_version: int | None
    proposed_version: int | None
    planned_quantity: ExactOut
    period_unit: PeriodUnit
    period_start: date
    period_end: date
    uom: str
    items: list[ImpactRow]


class PlanTransitionRequest(TransitionRequest):
    """An action on a consumption plan: activate or close."""

    action: str = action_field(TRANSITIONS)
