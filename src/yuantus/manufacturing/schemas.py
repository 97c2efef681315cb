"""Request and answer shapes of the manufacturing endpoints."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from yuantus.core.decimals import Exact, ExactOut
from yuantus.core.schemas import PatchSchema, ReadSchema, Schema, WithWarnings

Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[\w.\-/]+$"),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=20000)]
# times, rates and quantities are exact decimals: a JSON number or string in, a string out
Minutes = Annotated[Exact, Field(ge=0, le=1_000_000)]
CapacityHours = Annotated[Exact, Field(ge=0, le=24 * 1000)]
Efficiency = Annotated[Exact, Field(gt=0, le=10)]
CostRate = Annotated[Exact, Field(ge=0)]
WorkOrderState = Literal["draft", "released", "in_progress", "done", "canceled"]
RoutingState = Literal["draft", "released", "obsolete"]


class WorkCenterCreate(Schema):
    """A new work center."""

    code: Code
    name: Name
    description: Text | None = None
    capacity_per_day: CapacityHours = Decimal(8)
    efficiency: Efficiency = Decimal(1)
    cost_rate: CostRate = Decimal(0)
    is_active: bool = True


class WorkCenterUpdate(PatchSchema):
    """Changes to a work center; omitted fields stay."""

    clearable = frozenset({"description"})

    code: Code | None = None
    name: Name | None = None
    description: Text | None = None
    capacity_per_day: CapacityHours | None = None
    efficiency: Efficiency | None = None
    cost_rate: CostRate | None = None
    is_active: bool | None = None


class WorkCenterRead(ReadSchema):
    """A work center."""

    id: str
    code: str
    name: str
    description: str | None
    capacity_per_day: ExactOut
    efficiency: ExactOut
    cost_rate: ExactOut
    is_active: bool
    created_at: datetime
    updated_at: datetime


class RoutingCreate(Schema):
    """A new routing (version 1, draft) for a product item (any of its revision ids)."""

    product_id: Annotated[str, StringConstraints(min_length=1, max_length=36)]
    routing_code: Code
    name: Name
    description: Text | None = None
    is_primary: bool = False


class RoutingUpdate(PatchSchema):
    """Changes to a draft routing; only is_primary may change on a released one."""

    clearable = frozenset({"description"})

    name: Name | None = None
    description: Text | None = None
    is_primary: bool | None = None


class RoutingRead(ReadSchema):
    """A routing version."""

    id: str
    product_config_id: str
    # the product item (any revision): named by its current revision
    product_number: str | None
    product_name: str | None
    routing_code: str
    version: int
    name: str
    description: str | None
    is_primary: bool
    state: RoutingState
    released_at: datetime | None
    created_by: str | None
    created_by_name: str | None
    created_at: datetime
    updated_at: datetime


class OperationCreate(Schema):
    """A new operation on a draft routing."""

    operation_number: Annotated[int, Field(ge=1, le=1_000_000)]
    name: Name
    workcenter_id: Annotated[str, StringConstraints(min_length=1, max_length=36)]
    sequence: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    setup_time: Minutes = Decimal(0)
    run_time: Minutes = Decimal(0)
    work_instructions: Text | None = None
    properties: dict[str, Any] = Field(default_factory=dict)


class OperationUpdate(PatchSchema):
    """Changes to an operation of a draft routing; omitted fields stay."""

    clearable = frozenset({"work_instructions"})

    operation_number: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    name: Name | None = None
    workcenter_id: Annotated[str, StringConstraints(min_length=1, max_length=36)] | None = None
    sequence: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    setup_time: Minutes | None = None
    run_time: Minutes | None = None
    work_instructions: Text | None = None
    properties: dict[str, Any] | None = None


class OperationRead(ReadSchema):
    """An operation of a routing (times in minutes; run time per unit)."""

    id: str
    routing_id: str
    operation_number: int
    name: str
    sequence: int
    workcenter_id: str
    workcenter_code: str
    workcenter_name: str
    setup_time: ExactOut
    run_time: ExactOut
    work_instructions: str | None
    properties: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class RoutingDetail(RoutingRead):
    """A routing with its operations in order."""

    operations: list[OperationRead]


class RoutingReleaseRead(RoutingDetail, WithWarnings):
    """A routing just released, with its operations and the warnings its hooks gave."""


class WorkOrderCreate(Schema):
    """A new work order (draft) for a product item (any of its revision ids)."""

    product_id: Annotated[str, StringConstraints(min_length=1, max_length=36)]
    quantity: Annotated[Exact, Field(gt=0)]
    routing_id: Annotated[str, StringConstraints(min_length=1, max_length=36)] | None = None
    due_date: date | None = None


class WorkOrderRead(ReadSchema):
    """A work order."""

    id: str
    number: str
    product_config_id: str
    product_item_id: str
    product_number: str
    product_revision: str
    product_name: str
    routing_id: str | None
    routing_code: str | None
    routing_version: int | None
    quantity: ExactOut
    state: WorkOrderState
    due_date: date | None
    released_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    canceled_at: datetime | None
    created_by: str | None
    created_by_name: str | None
    created_at: datetime
    updated_at: datetime


class WorkOrderTransitionRead(WorkOrderRead, WithWarnings):
    """A work order after a transition, with the warnings its hooks gave."""


class PlannedOperation(Schema):
    """An operation of a work order's routing with times planned for the order quantity."""

    operation_id: str
    operation_number: int
    sequence: int
    name: str
    workcenter_id: str
    workcenter_code: str
    setup_time: ExactOut
    run_time: ExactOut
    planned_setup_minutes: ExactOut
    planned_run_minutes: ExactOut
    planned_total_minutes: ExactOut
    planned_cost: ExactOut
    work_instructions: str | None


class WorkOrderOperations(Schema):
    """A work order's operations in order, and the sums over them."""

    workorder_id: str
    routing_id: str | None
    routing_code: str | None
    quantity: ExactOut
    items: list[PlannedOperation]
    total: int
    total_minutes: ExactOut
    total_cost: ExactOut


class MaterialRequirement(Schema):
    """One leaf component (per uom) the order consumes."""

    component_config_id: str
    component_id: str | None
    item_number: str | None
    revision: str | None
    name: str | None
    state: str | None
    resolution: str
    uom: str
    quantity_per_unit: ExactOut
    required_quantity: ExactOut
    bom_lines: int


class MaterialsRule(Schema):
    """The revision rule the components resolved under."""

    kind: str
    as_of: datetime | None
    default: bool


class WorkOrderMaterials(Schema):
    """The material requirements of a work order (one page of them)."""

    workorder_id: str
    product_item_id: str
    product_number: str
    product_revision: str
    product_name: str
    quantity: ExactOut
    # "snapshot": stored when the order was released, never moves; "live": computed now
    source: str
    snapshot_at: datetime | None
    rule: MaterialsRule
    items: list[MaterialRequirement]
    total: int
