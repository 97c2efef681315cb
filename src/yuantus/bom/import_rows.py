"""BOM import, first half: the sheet's header and rows read into checked lines and a tree."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from yuantus.bom.models import SEQUENCE_MAX, SEQUENCE_MIN
from yuantus.bom.normalize import norm_find_num, norm_refdes, norm_uom, parse_quantity
from yuantus.bom.sheets import Table

# the columns an import reads, each with the header spellings it accepts (compared after
# lower-casing and turning `_`, `-`, `.` into spaces)
COLUMNS: dict[str, tuple[str, ...]] = {
    "level": ("level", "lvl"),
    "parent": ("parent", "parent number", "parent item", "parent part"),
    "child": ("child", "child number", "component", "part number", "item number", "number"),
    "name": ("child name", "name"),
    "quantity": ("quantity", "qty"),
    "uom": ("uom", "unit", "units", "unit of measure"),
    "find_num": ("find number", "find num", "find no", "fn"),
    "refdes": ("reference designators", "refdes", "ref des", "designators"),
    "notes": ("notes", "note", "comment", "comments"),
    "sequence": ("sequence", "seq"),
}
# columns of our own flat export that an import reads past (they are derived, not input)
IGNORED = (
    "child revision",
    "revision",
    "child state",
    "state",
    "extended quantity",
    "path",
    "resolution",
    "line id",
)
REQUIRED = ("child", "quantity")
ROOT = "root"

# row-level error codes (`errors[].code`); the request itself answers bom_import_invalid
MISSING_COLUMN = "missing_column"
UNKNOWN_COLUMN = "unknown_column"
DUPLICATE_COLUMN = "duplicate_column"
MISSING_VALUE = "missing_value"
INVALID_QUANTITY = "invalid_quantity"
INVALID_LEVEL = "invalid_level"
INVALID_SEQUENCE = "invalid_sequence"
PARENT_MISMATCH = "parent_mismatch"
UNKNOWN_PARENT = "unknown_parent"
UNKNOWN_CHILD = "unknown_child"
BOM_CYCLE = "bom_cycle"
BOM_DIFFERS = "bom_differs"

_SPACES = re.compile(r"[\s_\-.]+")


def header_key(text: str) -> str:
    """A header as compared: lower case, `_ - .` and runs of spaces as one space."""
    return _SPACES.sub(" ", text.strip().lower()).strip()


_ALIASES = {alias: column for column, names in COLUMNS.items() for alias in names}


@dataclass(frozen=True)
class RowError:
    """What is wrong with one cell (or row, when column is None) of the sheet."""

    row: int
    column: str | None
    code: str
    reason: str


@dataclass
class Row:
    """One data row, checked: a quantity of a child under a parent node of the tree."""

    row: int
    level: int
    child_number: str
    name: str | None
    quantity: Decimal
    uom: str
    find_num: str | None
    refdes: list[str]
    notes: str | None
    sequence: int | None
    # the node this row hangs under (ROOT: the imported item) and the node it is itself
    parent_node: str = ROOT
    node: str = ""
    parent_number: str = ""


@dataclass
class Sheet:
    """A checked sheet: the header's columns, the good rows in tree order, every error."""

    columns: dict[str, str] = field(default_factory=dict)  # column -> header as written
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0

    def header(self, column: str) -> str:
        """The column's header as the file spells it (the column name if absent)."""
        return self.columns.get(column, column)


def read_header(table: Table) -> tuple[dict[str, int], Sheet]:
    """Column positions and the header errors: unknown, duplicate or missing columns."""
    sheet = Sheet(row_count=len(table.rows))
    positions: dict[str, int] = {}
    for index, text in enumerate(table.header):
        key = header_key(text)
        if not key or key in IGNORED:
            continue
        column = _ALIASES.get(key)
        if column is None:
            sheet.errors.append(
                RowError(
                    1,
                    text,
                    UNKNOWN_COLUMN,
                    f"unknown column {text!r}; known: "
                    + ", ".join(names[0] for names in COLUMNS.values()),
                )
            )
        elif column in positions:
            sheet.errors.append(
                RowError(1, text, DUPLICATE_COLUMN, f"{text!r} repeats {sheet.header(column)!r}")
            )
        else:
            positions[column] = index
            sheet.columns[column] = text
    for column in REQUIRED:
        if column not in positions:
            sheet.errors.append(
                RowError(1, COLUMNS[column][0], MISSING_COLUMN, f"no {COLUMNS[column][0]} column")
            )
    return positions, sheet


def read_sheet(table: Table, root_number: str) -> Sheet:
    """The rows of a sheet checked one by one and placed in the tree under the imported item.

    The file's own top number (the parent its first row names, e.g. the assembly it was
    exported from) stands for the imported item, so an export imports under a new number.
    """
    positions, sheet = read_header(table)
    if sheet.errors:
        return sheet
    by_level = "level" in positions

    def reader(cells: list[str]) -> Callable[[str], str]:
        def cell(column: str) -> str:
            index = positions.get(column)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        return cell

    cells_of = [(number, reader(cells)) for number, cells in table.rows]
    children = {cell("child") for _, cell in cells_of}
    first_parent = cells_of[0][1]("parent") if cells_of else ""
    roots = {"", root_number}
    if first_parent not in children:
        roots.add(first_parent)
    # level style: the stack of open parents; (level, node, number)
    stack: list[tuple[int, str, str]] = [(0, ROOT, root_number)]
    for number, cell in cells_of:
        row = _read_row(sheet, number, cell, by_level)
        if by_level:
            level_text = cell("level")
            level = int(level_text) if level_text.isdigit() and int(level_text) >= 1 else None
            if level is None or not _place(sheet, stack, number, level, row, cell, roots):
                continue
        elif row is not None:
            parent_number = cell("parent")
            parent_number = root_number if parent_number in roots else parent_number
            row.parent_number = parent_number
            row.parent_node = ROOT if parent_number == root_number else f"n:{parent_number}"
            row.node = f"n:{row.child_number}"
            if row.child_number == root_number:
                _cycle(sheet, row, [root_number])
                continue
        if row is not None:
            sheet.rows.append(row)
    if not by_level:
        sheet.rows = _tree_order(sheet, root_number)
    return sheet


def _place(
    sheet: Sheet,
    stack: list[tuple[int, str, str]],
    number: int,
    level: int,
    row: Row | None,
    cell: Callable[[str], str],
    roots: set[str],
) -> bool:
    """Level style: hang a row under the open parent one level up; False on an error."""
    while stack[-1][0] >= level:
        stack.pop()
    if stack[-1][0] != level - 1:
        sheet.errors.append(
            RowError(
                number,
                sheet.header("level"),
                INVALID_LEVEL,
                f"level {level} follows level {stack[-1][0]}: "
                "a level is at most one deeper than the row before",
            )
        )
        return False
    _, parent_node, parent_number = stack[-1]
    ancestors = [n for _, _, n in stack]
    # a bad row still opens its level: its children are not misplaced under another parent
    stack.append((level, f"r{number}", cell("child")))
    if row is None:
        return False
    parent_text = cell("parent")
    named_ok = parent_text == parent_number or (parent_node == ROOT and parent_text in roots)
    if parent_text and not named_ok:
        sheet.errors.append(
            RowError(
                number,
                sheet.header("parent"),
                PARENT_MISMATCH,
                f"the parent is {parent_text!r} but level {level} puts the row "
                f"under {parent_number!r}",
            )
        )
        return False
    row.parent_node, row.node, row.parent_number = parent_node, f"r{number}", parent_number
    if row.child_number in ancestors:
        _cycle(sheet, row, ancestors)
        return False
    return True


def _cycle(sheet: Sheet, row: Row, ancestors: list[str]) -> None:
    """A bom_cycle error: the row's child is one of its own ancestors."""
    chain = [*ancestors[ancestors.index(row.child_number) :], row.child_number]
    sheet.errors.append(
        RowError(
            row.row,
            sheet.header("child"),
            BOM_CYCLE,
            f"{row.child_number} would contain itself: {' -> '.join(chain)}",
        )
    )


def _read_row(sheet: Sheet, number: int, cell: Callable[[str], str], by_level: bool) -> Row | None:
    """One row's values checked; None (with errors recorded) when one is wrong."""
    errors: list[RowError] = []
    child = cell("child")
    if not child:
        errors.append(RowError(number, sheet.header("child"), MISSING_VALUE, "no child number"))
    quantity_text = cell("quantity")
    quantity = parse_quantity(quantity_text) if quantity_text else None
    if not quantity_text:
        errors.append(RowError(number, sheet.header("quantity"), MISSING_VALUE, "no quantity"))
    elif quantity is None or quantity <= 0:
        errors.append(
            RowError(
                number,
                sheet.header("quantity"),
                INVALID_QUANTITY,
                f"{quantity_text!r} is not a number > 0 with at most 6 decimal places",
            )
        )
    level = 1
    if by_level:
        text = cell("level")
        if not text.isdigit() or int(text) < 1:
            errors.append(
                RowError(
                    number, sheet.header("level"), INVALID_LEVEL, f"{text!r} is not a level >= 1"
                )
            )
        else:
            level = int(text)
    sequence: int | None = None
    text = cell("sequence")
    if text:
        sequence = _sequence(text)
        if sequence is None:
            errors.append(
                RowError(
                    number,
                    sheet.header("sequence"),
                    INVALID_SEQUENCE,
                    f"{text[:40]!r} is not a whole number from {SEQUENCE_MIN} to {SEQUENCE_MAX}",
                )
            )
    sheet.errors.extend(errors)
    if errors or quantity is None:
        return None
    return Row(
        row=number,
        level=level,
        child_number=child,
        name=cell("name") or None,
        quantity=quantity,
        uom=norm_uom(cell("uom")),
        find_num=norm_find_num(cell("find_num")),
        refdes=norm_refdes(cell("refdes")),
        notes=cell("notes") or None,
        sequence=sequence,
    )


def _tree_order(sheet: Sheet, root_number: str) -> list[Row]:
    """Parent-number style: rows reachable from the root, parents first; the rest are errors."""
    children: dict[str, list[Row]] = {}
    for row in sheet.rows:
        children.setdefault(row.parent_node, []).append(row)
    ordered: list[Row] = []
    seen = {ROOT}
    path: dict[str, list[str]] = {ROOT: [root_number]}
    queue = [ROOT]
    while queue:
        node = queue.pop(0)
        for row in children.get(node, []):
            if row.child_number in path[node]:
                sheet.errors.append(
                    RowError(
                        row.row,
                        sheet.header("child"),
                        BOM_CYCLE,
                        f"{row.child_number} would contain itself: "
                        + " -> ".join([*path[node], row.child_number]),
                    )
                )
                continue
            ordered.append(row)
            if row.node not in seen:
                seen.add(row.node)
                path[row.node] = [*path[node], row.child_number]
                queue.append(row.node)
    placed = {id(r) for r in ordered}
    for row in sheet.rows:
        if id(row) not in placed and row.parent_node not in seen:
            sheet.errors.append(
                RowError(
                    row.row,
                    sheet.header("parent"),
                    UNKNOWN_PARENT,
                    f"{row.parent_number} is neither {root_number} nor a child listed under it",
                )
            )
    return ordered


def _sequence(text: str) -> int | None:
    """A sequence cell as an integer within the column's range; None when it is not one."""
    text = text.strip()
    # a short digit string only: int() would also take "1_000" and thousands of digits
    if len(text) > 12 or not re.fullmatch(r"[+-]?[0-9]+", text):
        return None
    value = int(text)
    return value if SEQUENCE_MIN <= value <= SEQUENCE_MAX else None
