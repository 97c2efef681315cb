"""The dashboard as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from yuantus.consumption.schemas import DashboardRow
from yuantus.core.decimals import to_str

COLUMNS = (
    "item_number",
    "revision",
    "item_name",
    "uom",
    "period",
    "period_start",
    "period_end",
    "plans",
    "planned",
    "actual",
    "delta",
    "delta_ratio",
    "status",
)


def _values(row: DashboardRow) -> list[Any]:
    out: list[Any] = []
    for column in COLUMNS:
        value = getattr(row, column)
        if hasattr(value, "as_tuple"):
            value = to_str(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out.append(value)
    return out


def csv_bytes(rows: Sequence[DashboardRow]) -> bytes:
    """The rows as CSV with a header; quantities in canonical decimal text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(_values(r) for r in rows)
    return buffer.getvalue().encode()


def xlsx_bytes(rows: Sequence[DashboardRow]) -> bytes:
    """The rows as one XLSX sheet; quantities as text so no digit is lost to a double."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("consumption")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(_values(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
