"""The exploded BOM as a spreadsheet (CSV or XLSX) an import reads back as it is."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from yuantus.bom.explosion import FlatRow
from yuantus.bom.sheets import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, write_csv, write_xlsx
from yuantus.item.models import Item

# the import's own header names (import_rows.COLUMNS) plus derived columns it reads past
FLAT_COLUMNS = (
    "Level",
    "Parent number",
    "Child number",
    "Child name",
    "Child revision",
    "Child state",
    "Quantity",
    "UOM",
    "Find number",
    "Reference designators",
    "Notes",
    "Sequence",
    "Extended quantity",
)
EXPORT_FORMATS = ("json", "csv", "xlsx")
# what a download's file name keeps of an item number (the rest becomes `_`)
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def flat_cells(row: FlatRow) -> list[Any]:
    """One exploded row as cells, in FLAT_COLUMNS order."""
    return [
        row.level,
        row.parent_number,
        row.child_number or row.child_config_id,
        row.child_name,
        row.child_revision,
        row.child_state,
        row.quantity,
        row.uom,
        row.find_num,
        ",".join(row.refdes),
        row.notes,
        row.sequence,
        row.extended_quantity,
    ]


def export_flat(item: Item, rows: Iterable[FlatRow], fmt: str) -> tuple[bytes, str, str]:
    """(content, media type, filename) of a flat explosion as csv or xlsx."""
    cells = (flat_cells(r) for r in rows)
    stem = _SAFE.sub("_", f"bom-{item.item_number}-{item.revision}")
    if fmt == "xlsx":
        return write_xlsx(FLAT_COLUMNS, cells, title="BOM"), XLSX_MEDIA_TYPE, f"{stem}.xlsx"
    return write_csv(FLAT_COLUMNS, cells), CSV_MEDIA_TYPE, f"{stem}.csv"
