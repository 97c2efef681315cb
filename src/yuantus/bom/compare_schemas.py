"""Answer schemas of BOM compare, delta preview and delta apply (shapes of compare.py, delta.py).

The services build plain dicts; these models type them for OpenAPI. Routes answer them with
`response_model_exclude_unset=True`, so a summarized compare's line values keep their own
keys (quantity, uom, quantity_by_uom, mixed_uom) instead of gaining empty ones.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from yuantus.core.decimals import ExactOut

Severity = Literal["major", "minor", "info"]
Risk = Literal["high", "medium", "low"]
# a compared field's value: a quantity as decimal text, a uom or find number, refdes,
# line properties, or per-uom quantities (summarized mode)
FieldValue = str | list[str] | dict[str, Any] | None


class RuleUsed(BaseModel):
    """The revision rule one side of a compare resolved its children under."""

    kind: str = Field(description="latest, released or effective")
    as_of: str | None = Field(description="ISO 8601 time of an effective rule")
    default: bool = Field(description="true when the side's own default rule was used")


class CompareSide(BaseModel):
    """A compared revision."""

    id: str
    config_id: str
    item_number: str
    revision: str
    name: str | None = None
    state: str
    rule: RuleUsed


class LineValues(BaseModel):
    """A line's normalized compared values (summarized mode: netted quantities per uom)."""

    quantity: ExactOut | None = Field(default=None, description="decimal text; null when mixed")
    uom: str | None = None
    find_num: str | None = None
    refdes: list[str] | None = None
    notes: str | None = None
    properties: dict[str, Any] | None = None
    sequence: int | None = None
    quantity_by_uom: dict[str, ExactOut] | None = Field(
        default=None, description="summarized mode: extended quantity per unit"
    )
    mixed_uom: bool | None = Field(default=None, description="summarized mode: several units")


class LineRef(BaseModel):
    """Where a compared line sits and which child it is."""

    line_key: str = Field(description="the parent path and the line's own key segment")
    level: int | None = Field(description="1 = the root's own lines; null when summarized")
    path: list[str] = Field(description="item numbers from below the root down to the child")
    parent_number: str | None
    parent_name: str | None = None
    child_config_id: str
    child_id: str | None = Field(description="the child revision resolved under the rule")
    child_number: str | None
    child_revision: str | None
    child_name: str | None = None
    child_state: str | None
    resolution: str = Field(description="how the child revision was resolved")


class CompareLine(LineRef):
    """A line only one side has."""

    properties: LineValues


class FieldChange(BaseModel):
    """One compared field that differs."""

    field: str
    before: FieldValue
    after: FieldValue
    severity: Severity


class ChangedLine(LineRef):
    """A line both sides have, with the fields that differ."""

    before: LineValues
    after: LineValues
    changes: list[FieldChange]
    severity: Severity = Field(description="the highest severity of the changes")


class CompareSummary(BaseModel):
    """Counts of added, removed and changed lines (changed by severity)."""

    added: int
    removed: int
    changed: int
    changed_major: int
    changed_minor: int
    changed_info: int


class BomCompare(BaseModel):
    """The exploded BOMs of two revisions compared."""

    left: CompareSide
    right: CompareSide
    levels: int
    compare_mode: str | None
    line_key: str
    fields: list[str] = Field(description="the compared fields")
    summary: CompareSummary
    added: list[CompareLine]
    removed: list[CompareLine]
    changed: list[ChangedLine]
    mixed_uom: list[str] = Field(description="line keys whose quantities mix units")


class DeltaOperationRead(BaseModel):
    """One ordered operation of a delta: add or remove carry properties, update its changes."""

    op: Literal["remove", "update", "add"]
    line_key: str
    level: int | None
    path: list[str]
    parent_number: str | None
    parent_name: str | None = None
    child_config_id: str
    child_id: str | None
    child_number: str | None
    child_revision: str | None
    child_name: str | None = None
    properties: LineValues | None = None
    before: LineValues | None = None
    after: LineValues | None = None
    changes: list[FieldChange] | None = None
    severity: Severity
    risk_level: Risk


class RiskDistribution(BaseModel):
    """Operations per risk level."""

    high: int
    medium: int
    low: int


class DeltaSummary(BaseModel):
    """Counts of the delta's operations and its overall risk."""

    total: int
    add: int
    remove: int
    update: int
    risk_distribution: RiskDistribution
    overall_risk: Literal["high", "medium", "low", "none"]


class DeltaPreview(BaseModel):
    """A compare as ordered remove, update and add operations."""

    left: CompareSide
    right: CompareSide
    compare_mode: str | None
    line_key: str
    summary: DeltaSummary
    operations: list[DeltaOperationRead]


class DeltaTarget(BaseModel):
    """The revision a delta was applied to."""

    id: str
    item_number: str
    revision: str
    name: str | None = None


class DeltaCounts(BaseModel):
    """Operations applied to the target's own lines, per kind."""

    add: int
    remove: int
    update: int


class DeltaApplied(BaseModel):
    """The outcome of applying a delta."""

    target: DeltaTarget
    applied: DeltaCounts
    verified: int = Field(description="deeper operations checked to hold already")
