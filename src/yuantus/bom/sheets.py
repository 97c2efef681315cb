"""Spreadsheets in and out: CSV and XLSX tables as header + rows of text cells."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from yuantus.bom import codes
from yuantus.core import decimals
from yuantus.core import error_codes as ec
from yuantus.core.errors import PayloadTooLarge, Unprocessable

FORMATS = ("csv", "xlsx")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
_ZIP_MAGIC = b"PK\x03\x04"
# legacy binary formats people save by mistake: OLE2 (.xls) and PDF
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True)
class Table:
    """A sheet read from a file: its format, header cells and numbered data rows."""

    format: str
    header: list[str]
    # (spreadsheet row number, cells); the header is row 1, blank rows are left out
    rows: list[tuple[int, list[str]]]


def _unreadable(reason: str, filename: str | None) -> Unprocessable:
    return Unprocessable(
        f"not a CSV or XLSX spreadsheet: {reason}",
        code=codes.BOM_IMPORT_UNREADABLE,
        context={"filename": filename, "reason": reason, "allowed": list(FORMATS)},
    )


def sniff_format(content: bytes, filename: str | None) -> str:
    """csv or xlsx, by content (a zip holding a workbook, or text); 422 for anything else."""
    name = (filename or "").lower()
    if content.startswith(_ZIP_MAGIC):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
        except zipfile.BadZipFile:
            raise _unreadable("a damaged zip archive", filename) from None
        if "xl/workbook.xml" not in names:
            raise _unreadable("a zip archive without a workbook", filename)
        return "xlsx"
    if content.startswith(_OLE_MAGIC) or name.endswith(".xls"):
        raise _unreadable("a legacy .xls workbook; save it as .xlsx or .csv", filename)
    if name.endswith(".xlsx"):
        raise _unreadable("named .xlsx but not a workbook", filename)
    if b"\x00" in content[:65536]:
        raise _unreadable("binary content", filename)
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _unreadable("text that is not UTF-8", filename) from None
    return "csv"


def _cell_text(value: Any) -> str:
    """A cell as import text: numbers without float noise, dates as ISO, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # the shortest text that reads back as the same double: 0.1 stays 0.1
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return decimals.to_str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _numbered(rows: Iterable[Sequence[Any]]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    header: list[str] | None = None
    out: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(rows, start=1):
        cells = [_cell_text(v) for v in raw]
        if header is None:
            header = cells
            continue
        if any(cells):
            out.append((number, cells))
    return header or [], out


def read_table(content: bytes, filename: str | None, max_rows: int) -> Table:
    """The first sheet of a CSV or XLSX file; 422 if it is neither, 413 past max_rows."""
    kind = sniff_format(content, filename)
    if kind == "xlsx":
        header, rows = _read_xlsx(content, filename, max_rows)
    else:
        header, rows = _read_csv(content.decode("utf-8-sig"), max_rows)
    return Table(kind, header, rows)


def _too_many(max_rows: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"the sheet has more than {max_rows} rows",
        code=ec.PAYLOAD_TOO_LARGE,
        context={"max_rows": max_rows},
    )


def _limited(rows: Iterable[Sequence[Any]], max_rows: int) -> Iterable[Sequence[Any]]:
    for number, row in enumerate(rows):
        # the header is one more row than the data limit
        if number > max_rows:
            raise _too_many(max_rows)
        yield row


def _read_csv(text: str, max_rows: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    first = text.split("\n", 1)[0]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return _numbered(_limited(csv.reader(io.StringIO(text), dialect), max_rows))
    except csv.Error as exc:
        raise _unreadable(f"malformed CSV ({exc})", None) from None


def _read_xlsx(
    content: bytes, filename: str | None, max_rows: int
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise _unreadable(f"a damaged workbook ({type(exc).__name__})", filename) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return [], []
        return _numbered(_limited(sheet.iter_rows(values_only=True), max_rows))
    finally:
        book.close()


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV bytes (UTF-8 with a BOM, so spreadsheet programs read names correctly)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _export_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _export_text(value: Any) -> str:
    return decimals.to_str(value) if isinstance(value, Decimal) else str(value)


def _xlsx_value(value: Any) -> Any:
    """A Decimal as a number when a double holds it exactly, else as its exact text."""
    if isinstance(value, Decimal):
        text = decimals.to_str(value)
        as_float = float(value)
        return as_float if repr(as_float) in (text, f"{text}.0") else text
    return value


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    """An XLSX workbook of one sheet: the header row, then the rows."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Sheet")
    sheet.append(list(header))
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
