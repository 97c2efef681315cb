"""Typed delta operations: one schema per op, one per changed field (issue 20, finding 5).

An operation comes back as the preview listed it, so the preview's extra fields (names,
severity, risk) are ignored; every field the apply reads is typed and bounded like the
line writes it becomes (add_child, update_line).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from yuantus.bom import codes
from yuantus.bom.models import SEQUENCE_MAX, SEQUENCE_MIN
from yuantus.core.decimals import Exact
from yuantus.core.errors import Unprocessable

OPS = ("remove", "update", "add")
# deeper than any BOM a depth cap allows (YUANTUS_MAX_BOM_DEPTH is at most this)
MAX_LEVEL = 10_000
# a line key is the path of item numbers down to the line, each with its key fields
MAX_LINE_KEY = 20_000

# > 0, at most 6 decimal places, below 10^12; a JSON number or string, answered as a string
Quantity = Annotated[Exact, Field(gt=0)]
# the range of the INTEGER column on PostgreSQL (checked by the database too)
LineSequence = Annotated[int, Field(ge=SEQUENCE_MIN, le=SEQUENCE_MAX)]
Uom = Annotated[str, Field(min_length=1, max_length=16)]
FindNum = Annotated[str, Field(max_length=32)]
Refdes = list[str] | str


class _Lenient(BaseModel):
    """What a preview answered: its descriptive fields come back and are ignored."""

    model_config = ConfigDict(extra="ignore")


class LineValuesIn(_Lenient):
    """A line's values: those of a line to add, or those a line to remove must still have."""

    quantity: Quantity | None = None
    uom: Uom | None = None
    find_num: FindNum | None = None
    refdes: Refdes | None = None
    notes: str | None = None
    properties: dict[str, Any] | None = None
    sequence: LineSequence | None = None


class QuantityChange(_Lenient):
    """quantity before -> after."""

    field: Literal["quantity"]
    before: Quantity | None = None
    after: Quantity


class UomChange(_Lenient):
    """uom before -> after."""

    field: Literal["uom"]
    before: Uom | None = None
    after: Uom


class FindNumChange(_Lenient):
    """find_num before -> after (null clears it)."""

    field: Literal["find_num"]
    before: FindNum | None = None
    after: FindNum | None


class RefdesChange(_Lenient):
    """refdes before -> after."""

    field: Literal["refdes"]
    before: Refdes | None = None
    after: Refdes | None


class NotesChange(_Lenient):
    """notes before -> after (null clears them)."""

    field: Literal["notes"]
    before: str | None = None
    after: str | None


class PropertiesChange(_Lenient):
    """The line's properties before -> after."""

    field: Literal["properties"]
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None


class SequenceChange(_Lenient):
    """sequence before -> after."""

    field: Literal["sequence"]
    before: LineSequence | None = None
    after: LineSequence


FieldChange = Annotated[
    QuantityChange
    | UomChange
    | FindNumChange
    | RefdesChange
    | NotesChange
    | PropertiesChange
    | SequenceChange,
    Field(discriminator="field"),
]


class _Op(_Lenient):
    """Where an operation applies: the line's key, level, path and child item."""

    line_key: str = Field(max_length=MAX_LINE_KEY)
    level: int = Field(ge=1, le=MAX_LEVEL)
    path: list[str] = Field(default_factory=list, max_length=MAX_LEVEL)
    child_config_id: str = Field(min_length=1, max_length=36)
    child_number: str | None = None


class AddOp(_Op):
    """Add a line of the child with these values (quantity 1 and uom EA when omitted)."""

    op: Literal["add"]
    properties: LineValuesIn | None = None


class RemoveOp(_Op):
    """Remove the line of the child that still has these values."""

    op: Literal["remove"]
    properties: LineValuesIn | None = None


class UpdateOp(_Op):
    """Change fields of the line of the child that still has their `before` values."""

    op: Literal["update"]
    changes: list[FieldChange] = Field(min_length=1)


DeltaOperation = Annotated[AddOp | RemoveOp | UpdateOp, Field(discriminator="op")]


def check_ops(operations: list[Any]) -> None:
    """422 invalid_delta_op for an unknown op, delta_not_applicable for one naming no line.

    Checked before the typed schemas, so these two keep their own codes (and a summarized
    delta, whose operations have no level, is refused as such rather than field by field).
    """
    for op in operations:
        if not isinstance(op, dict):
            continue  # the schema refuses it, with its place
        if op.get("op") not in OPS:
            shown = _short(op.get("op"))
            raise Unprocessable(
                f"unknown delta op {shown!r}; allowed: {', '.join(OPS)}",
                code=codes.INVALID_DELTA_OP,
                context={"op": shown, "allowed": list(OPS)},
            )
        if not op.get("level") or not op.get("child_config_id"):
            # a summarized delta nets quantities per component: it names no line to edit
            raise Unprocessable(
                "a delta operation needs its level and child_config_id; "
                "summarized deltas cannot be applied",
                code=codes.DELTA_NOT_APPLICABLE,
                context={"line_key": _short(op.get("line_key"))},
            )


def _short(value: Any) -> str | None:
    """A sent value as an error repeats it: text only, cut short (a 422 never echoes much)."""
    return value[:100] if isinstance(value, str) else None
