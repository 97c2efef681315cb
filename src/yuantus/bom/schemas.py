"""Request and answer schemas of the bom domain (delta operations: delta_schemas)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, model_validator

from yuantus.bom.delta_schemas import DeltaOperation, LineSequence, Quantity, check_ops
from yuantus.core.decimals import ExactOut
from yuantus.core.schemas import PatchSchema, ReadSchema, Schema


class BomLineCreate(Schema):
    """A new line: the child (any revision of the child item) and how much of it."""

    child_id: str
    quantity: Quantity
    uom: str = Field(default="EA", min_length=1, max_length=16)
    find_num: str | None = Field(default=None, max_length=32)
    refdes: list[str] | str | None = None
    notes: str | None = None
    sequence: LineSequence | None = None
    properties: dict[str, Any] | None = None


class BomLineUpdate(PatchSchema):
    """Fields of a line to change (omitted fields stay)."""

    clearable = frozenset({"find_num", "notes"})

    quantity: Quantity | None = None
    uom: str | None = Field(default=None, min_length=1, max_length=16)
    find_num: str | None = Field(default=None, max_length=32)
    refdes: list[str] | str | None = None
    notes: str | None = None
    sequence: LineSequence | None = None
    properties: dict[str, Any] | None = None


class BomLineRead(ReadSchema):
    """A stored BOM line: `line_id` and `parent_id`, as in the flat, tree and where-used rows."""

    line_id: str = Field(validation_alias="id")
    parent_id: str = Field(validation_alias="parent_item_id")
    parent_number: str
    parent_revision: str
    parent_name: str
    child_config_id: str
    # the child item (any revision): named by its current revision
    child_number: str | None
    child_name: str | None
    quantity: ExactOut
    uom: str
    find_num: str | None
    refdes: list[str]
    sequence: int
    notes: str | None
    properties: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class ItemRef(ReadSchema):
    """The revision a BOM answer is about."""

    id: str
    config_id: str
    item_number: str
    revision: str
    state: str
    name: str


class RevisionRuleRead(BaseModel):
    """The revision rule an answer resolved its children under."""

    kind: str
    as_of: datetime | None
    default: bool


class FlatRowRead(ReadSchema):
    """One exploded line; `path` is the item numbers from the root down to the child."""

    line_id: str
    level: int
    path: list[str]
    parent_id: str
    parent_number: str
    parent_revision: str
    parent_name: str
    child_config_id: str
    child_id: str | None
    child_number: str | None
    child_revision: str | None
    child_state: str | None
    child_name: str | None
    resolution: str
    quantity: ExactOut
    extended_quantity: ExactOut
    uom: str
    find_num: str | None
    refdes: list[str]
    sequence: int
    notes: str | None
    properties: dict[str, Any]


class FlatBom(BaseModel):
    """A flat explosion: the root revision and its rows."""

    item: ItemRef
    rule: RevisionRuleRead
    items: list[FlatRowRead]
    # a structure in its own (depth-first) order, not a sortable Page: no limit/offset echo
    total: int = Field(description="rows of the whole explosion, over all pages")


class TreeNodeRead(ReadSchema):
    """A node of the nested explosion; `line` is the line using it (none at the root)."""

    item_id: str | None
    config_id: str
    item_number: str | None
    revision: str | None
    state: str | None
    name: str | None
    level: int
    resolution: str
    line: FlatRowRead | None
    children: list[TreeNodeRead]


class BomTreeRead(TreeNodeRead):
    """The nested explosion: the root node and the rule its children resolved under."""

    rule: RevisionRuleRead


class WhereUsedRead(ReadSchema):
    """A line of a current parent revision using the item (or one of its users)."""

    line_id: str
    level: int
    path: list[str]
    parent_id: str
    parent_config_id: str
    parent_number: str
    parent_revision: str
    parent_state: str
    parent_name: str
    child_config_id: str
    child_number: str
    child_name: str
    quantity: ExactOut
    uom: str
    find_num: str | None
    refdes: list[str]


class WhereUsed(BaseModel):
    """Where an item is used: its revision and the using lines."""

    item: ItemRef
    rule: RevisionRuleRead
    items: list[WhereUsedRead]
    total: int


class DeltaApply(Schema):
    """Apply delta operations to an editable (Draft) revision."""

    target_id: str
    operations: list[DeltaOperation]

    @model_validator(mode="before")
    @classmethod
    def _applicable(cls, data: Any) -> Any:
        """Unknown ops and summarized deltas answer their own codes (see check_ops)."""
        operations = data.get("operations") if isinstance(data, dict) else None
        if isinstance(operations, list):
            check_ops(operations)
        return data


class ImportLineRead(ReadSchema):
    """A line of an import: added (`add`) or found already in a sub-assembly's BOM (`keep`)."""

    row: int
    level: int
    parent_number: str
    parent_revision: str
    child_number: str
    child_revision: str
    child_name: str
    child_created: bool
    quantity: ExactOut
    uom: str
    find_num: str | None
    refdes: list[str]
    notes: str | None
    action: str
    line_id: str | None


class ImportErrorRead(ReadSchema):
    """What is wrong with one row of the sheet (row 1 is the header; column as written)."""

    row: int
    column: str | None
    code: str
    reason: str


class CreatedPartRead(ReadSchema):
    """A Part an import created (create_missing), Draft revision A."""

    item_number: str
    revision: str
    name: str


class BomImportRead(ReadSchema):
    """An import's result: the lines (would be) created, the parts created, the errors."""

    item: ItemRef
    dry_run: bool
    format: str
    filename: str | None
    rows: int
    lines: list[ImportLineRead]
    created_parts: list[CreatedPartRead]
    errors: list[ImportErrorRead]
