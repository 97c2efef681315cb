"""BOM import: a CSV/XLSX sheet becomes the lines of a Draft revision, all or nothing.

The sheet is read and checked first (import_rows.py); then every line is written in a
savepoint through the same `add_child` an API call uses (cycle check, frozen parents,
audit rows). A dry run, or a run with any error, rolls the savepoint back: the answer
lists the lines and the errors, and nothing is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from sqlalchemy.orm import Session

from yuantus.audit import service as audit
from yuantus.audit.service import Actor
from yuantus.bom import codes, import_rows
from yuantus.bom import service as bom_service
from yuantus.bom.import_rows import ROOT, Row, RowError, Sheet
from yuantus.bom.models import BomLine
from yuantus.bom.normalize import norm_find_num, norm_refdes, norm_uom
from yuantus.bom.sheets import read_table
from yuantus.bom.snapshot import revision_lines
from yuantus.core import error_codes as ec
from yuantus.core.errors import PayloadTooLarge, Unprocessable, YuantusError
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.item.models import Item

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ROWS = 5_000
# progress(done, total) after each row written (the CLI draws its bar from it)
Progress = Callable[[int, int], None]


@dataclass
class ImportLine:
    """A line the import creates (action add) or finds already in a sub-assembly (keep)."""

    row: int
    level: int
    parent_number: str
    parent_revision: str
    child_number: str
    child_revision: str
    child_name: str
    child_created: bool
    quantity: Decimal
    uom: str
    find_num: str | None
    refdes: list[str]
    notes: str | None
    action: str
    line_id: str | None = None


@dataclass
class CreatedPart:
    """A Part the import creates because `create_missing` was asked."""

    item_number: str
    revision: str
    name: str


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    item: Item
    dry_run: bool
    format: str
    filename: str | None
    rows: int
    lines: list[ImportLine] = field(default_factory=list)
    created_parts: list[CreatedPart] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_upload(stream: IO[bytes], max_bytes: int) -> bytes:
    """The upload's bytes; 413 payload_too_large past max_bytes (read no further)."""
    content = stream.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise PayloadTooLarge(
            f"the file is larger than the import limit of {max_bytes} bytes",
            code=ec.PAYLOAD_TOO_LARGE,
            context={"max_bytes": max_bytes},
        )
    return content


def import_bom(
    session: Session,
    item_id: str,
    content: bytes,
    filename: str | None,
    *,
    dry_run: bool = False,
    create_missing: bool = False,
    user: User | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
    progress: Progress | None = None,
    actor: Actor | None = None,
) -> ImportResult:
    """Import a sheet's lines under a Draft revision; 422 bom_import_invalid on any error.

    `user` is who the lines are recorded for; `actor` (default: the user) signs the import's
    own audit row, e.g. the console operator when the CLI names no user.
    """
    target = item_service.get(session, item_id)
    if target.item_type != "Part":
        raise Unprocessable(
            f"a BOM parent must be a Part; {target.item_number} is a {target.item_type}",
            code=codes.PARENT_NOT_PART,
            context={"parent_id": target.id, "item_type": target.item_type},
        )
    # a frozen parent is refused before the file is read, dry run or not
    target = item_service.lock_editable(session, target.id)
    table = read_table(content, filename, max_rows)
    sheet = import_rows.read_sheet(table, target.item_number)
    result = ImportResult(target, dry_run, table.format, filename, sheet.row_count)
    savepoint = session.begin_nested()
    try:
        _Writer(session, target, sheet, result, create_missing, user, progress).run()
    except BaseException:
        savepoint.rollback()
        raise
    result.lines.sort(key=lambda line: line.row)
    result.errors = sorted(sheet.errors, key=lambda e: (e.row, e.column or "", e.code))
    if dry_run or result.errors:
        savepoint.rollback()
    else:
        savepoint.commit()
    if result.errors and not dry_run:
        raise Unprocessable(
            f"{len(result.errors)} error(s) in the import file; nothing was imported",
            code=codes.BOM_IMPORT_INVALID,
            context={"rows": result.rows, "errors": [vars(e) for e in result.errors]},
        )
    if not dry_run:
        _audit(session, result, actor or user)
    return result


def _audit(session: Session, result: ImportResult, actor: Actor | None) -> None:
    """One row in the item's history naming the file (each line has its own row too)."""
    target = result.item
    audit.record(
        session,
        object_type="item",
        object_id=target.id,
        scope_id=target.config_id,
        action="bom_imported",
        after={
            "filename": result.filename,
            "format": result.format,
            "rows": result.rows,
            "lines_added": sum(line.action == "add" for line in result.lines),
            "parts_created": [p.item_number for p in result.created_parts],
        },
        actor=actor,
    )


class _Writer:
    """The write half: resolve parts, create missing ones, add or check every line."""

    def __init__(
        self,
        session: Session,
        target: Item,
        sheet: Sheet,
        result: ImportResult,
        create_missing: bool,
        user: User | None,
        progress: Progress | None,
    ) -> None:
        self.session, self.target, self.sheet, self.result = session, target, sheet, result
        self.create_missing, self.user, self.progress = create_missing, user, progress
        self.parts: dict[str, Item] = {}
        self.created: set[str] = set()
        # the item each node stands for (ROOT: the target); nodes of failed rows are absent
        self.nodes: dict[str, Item] = {ROOT: target}

    def error(self, row: Row, column: str, code: str, reason: str) -> None:
        """Record a row error against a column (named as the file's header spells it)."""
        self.sheet.errors.append(RowError(row.row, self.sheet.header(column), code, reason))

    def run(self) -> None:
        """Resolve the parts, then write (or check) each parent's lines in tree order."""
        self._resolve_parts()
        groups: dict[str, list[Row]] = {}
        for row in self.sheet.rows:
            groups.setdefault(row.parent_node, []).append(row)
        done, total = 0, len(self.sheet.rows)
        for row in self.sheet.rows:
            child = self.parts.get(row.child_number)
            if child is not None:
                self.nodes.setdefault(row.node, child)
        for node, rows in groups.items():
            parent = self.nodes.get(node)
            if parent is not None:
                self._write_group(parent, rows)
            done += len(rows)
            if self.progress:
                self.progress(done, total)

    def _resolve_parts(self) -> None:
        numbers = sorted({row.child_number for row in self.sheet.rows})
        self.parts = item_service.current_by_numbers(self.session, "Part", numbers)
        names: dict[str, str | None] = {}
        for row in self.sheet.rows:
            names.setdefault(row.child_number, row.name)
        for number in numbers:
            if number in self.parts:
                continue
            if not self.create_missing:
                for row in self.sheet.rows:
                    if row.child_number == number:
                        self.error(
                            row,
                            "child",
                            import_rows.UNKNOWN_CHILD,
                            f"no Part numbered {number}; ask create_missing to create it",
                        )
                continue
            part = item_service.create(
                self.session, "Part", names[number] or number, item_number=number, user=self.user
            )
            self.parts[number] = part
            self.created.add(number)
            self.result.created_parts.append(CreatedPart(number, part.revision, part.name))
        # rows of unknown children are dropped here: their errors are recorded
        self.sheet.rows = [r for r in self.sheet.rows if r.child_number in self.parts]

    def _write_group(self, parent: Item, rows: list[Row]) -> None:
        """The lines under one parent: added to the target or to an empty Draft, else checked."""
        existing = [] if parent is self.target else revision_lines(self.session, parent.id)
        if existing:
            self._check_group(parent, rows, existing)
            return
        if parent is not self.target:
            try:
                item_service.ensure_editable(parent)
            except YuantusError as exc:
                for row in rows:
                    self.error(row, "parent", exc.code, exc.message)
                return
        for row in rows:
            child = self.parts[row.child_number]
            try:
                line = bom_service.add_child(
                    self.session,
                    parent,
                    child,
                    row.quantity,
                    uom=row.uom,
                    find_num=row.find_num,
                    refdes=row.refdes,
                    notes=row.notes,
                    sequence=row.sequence,
                    user=self.user,
                )
            except YuantusError as exc:
                self.error(row, "child", exc.code, exc.message)
                continue
            self._line(row, parent, child, "add", line.id)

    def _check_group(self, parent: Item, rows: list[Row], existing: list[BomLine]) -> None:
        """A sub-assembly that already has a BOM: the rows must be exactly its lines."""
        unclaimed = list(existing)
        for row in rows:
            child = self.parts[row.child_number]
            match = next((line for line in unclaimed if _same(line, row, child)), None)
            if match is None:
                self.error(
                    row,
                    "child",
                    import_rows.BOM_DIFFERS,
                    f"{parent.item_number} rev {parent.revision} already has a BOM without this "
                    f"line ({row.child_number} x {row.quantity} {row.uom}); the import never "
                    "changes an existing sub-assembly",
                )
                continue
            unclaimed.remove(match)
            self._line(row, parent, child, "keep", match.id)
        if unclaimed and rows:
            numbers = {p.config_id: n for n, p in self.parts.items()}
            missing = ", ".join(numbers.get(line.child_config_id, "?") for line in unclaimed)
            self.error(
                rows[0],
                "parent",
                import_rows.BOM_DIFFERS,
                f"{parent.item_number} rev {parent.revision} has lines the file does not list "
                f"under it: {missing}",
            )

    def _line(self, row: Row, parent: Item, child: Item, action: str, line_id: str) -> None:
        self.result.lines.append(
            ImportLine(
                row=row.row,
                level=row.level,
                parent_number=parent.item_number,
                parent_revision=parent.revision,
                child_number=child.item_number,
                child_revision=child.revision,
                child_name=child.name,
                child_created=child.item_number in self.created,
                quantity=row.quantity,
                uom=row.uom,
                find_num=row.find_num,
                refdes=row.refdes,
                notes=row.notes,
                action=action,
                line_id=None if self.result.dry_run else line_id,
            )
        )


def _same(line: BomLine, row: Row, child: Item) -> bool:
    """An existing line carries the row's child, quantity, unit, find number and designators."""
    return (
        line.child_config_id == child.config_id
        and line.quantity == row.quantity
        and norm_uom(line.uom) == row.uom
        and norm_find_num(line.find_num) == row.find_num
        and norm_refdes(line.refdes) == row.refdes
    )
