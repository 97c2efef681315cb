"""Request and answer shapes of breakage incidents and their metrics."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from yuantus.breakage.models import TRANSITIONS
from yuantus.core.schemas import Schema
from yuantus.core.transitions import TransitionRequest, action_field

Severity = Literal["low", "medium", "high", "critical"]
Responsibility = Literal["supplier", "production", "design", "field", "unknown"]
State = Literal["open", "investigating", "resolved", "closed"]


class BreakageCreate(Schema):
    """A new incident: what broke, in which product revision, and how badly."""

    product_item_id: str = Field(max_length=36, description="the product revision that failed")
    component_item_id: str = Field(
        max_length=36, description="the failed component: must be in the product's BOM"
    )
    workorder_id: str | None = Field(
        default=None, max_length=36, description="the work order that built it"
    )
    batch_code: str | None = Field(default=None, max_length=64, description="batch or lot code")
    customer: str | None = Field(default=None, max_length=200)
    description: str = Field(min_length=1, max_length=4000)
    failure_mode: str | None = Field(default=None, max_length=128)
    quantity: int = Field(default=1, ge=1, le=1_000_000, description="broken units")
    responsibility: Responsibility = "unknown"
    severity: Severity
    occurred_at: AwareDatetime | None = Field(default=None, description="default: now")


class HelpdeskState(BaseModel):
    """The incident's ticket in the helpdesk, as far as the last sync knows."""

    ticket_id: str | None
    status: str | None
    mode: Literal["remote", "local"] | None = Field(
        description="`local`: no helpdesk is configured and the built-in stub assigned the ticket"
    )
    last_error: str | None
    synced_at: datetime | None


class BreakageRead(BaseModel):
    """An incident with the numbers and names of what it references."""

    id: str
    number: str
    state: State
    product_item_id: str
    product_number: str
    product_revision: str
    product_name: str
    component_item_id: str
    component_number: str
    component_revision: str
    component_name: str
    workorder_id: str | None
    workorder_number: str | None
    batch_code: str | None
    customer: str | None
    description: str
    failure_mode: str | None
    signature: str = Field(description="failure_mode, else the normalized description")
    quantity: int
    responsibility: Responsibility
    severity: Severity
    occurred_at: datetime
    created_by: str | None
    created_by_name: str | None
    created_at: datetime
    updated_at: datetime
    helpdesk: HelpdeskState


class HelpdeskSyncRead(BaseModel):
    """A helpdesk sync: the job that carries it and the incident's ticket state."""

    incident_id: str
    job_id: str | None
    job_state: str | None
    job_attempts: int | None
    job_error: str | None
    helpdesk: HelpdeskState


class CountRow(BaseModel):
    """A count under one value of a dimension."""

    key: str
    count: int


class Hotspot(BaseModel):
    """A component that fails often: its share of all incidents matching the filters."""

    component_item_id: str | None = Field(description="the component's current revision")
    component_config_id: str
    item_number: str
    name: str | None
    count: int
    share: float


class TrendPoint(BaseModel):
    """Incidents on one UTC day."""

    day: date
    count: int


class BreakageMetrics(BaseModel):
    """Quality metrics over the incidents matching the filters."""

    total: int
    repeated_failure_rate: float = Field(
        description="incidents whose product + failure signature occurs more than once / total"
    )
    repeated_event_count: int = Field(description="incidents in a repeated product + signature")
    repeated_signature_count: int = Field(
        description="product + signature pairs seen twice or more"
    )
    hotspot_components: list[Hotspot]
    by_status: list[CountRow]
    by_severity: list[CountRow]
    by_responsibility: list[CountRow]
    by_failure_mode: list[CountRow]
    trend: list[TrendPoint]


class MetricsGroup(BaseModel):
    """Incidents under one value of the grouping dimension."""

    key: str
    label: str | None = Field(description="the item number or the value itself")
    count: int
    repeated_count: int
    repeat_rate: float
    latest_occurred_at: datetime


class BreakageTransitionRequest(TransitionRequest):
    """An action on an incident: investigate, resolve, close or reopen (with a reason)."""

    action: str = action_field(TRANSITIONS)
