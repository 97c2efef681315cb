"""JSON-able snapshots of BOM lines, for change notifications and content digests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.bom.models import BomLine


def quantity_text(value: object) -> str:
    """A quantity as a normalized decimal string: 8, 8.0 and 8.000 are all "8"."""
    # str() first: a float's shortest repr, a Decimal's exact digits
    number = Decimal(str(value)).normalize()
    return format(number, "f")


def line_snapshot(line: BomLine) -> dict[str, Any]:
    """A line's stored fields (quantity as decimal text)."""
    return {
        "id": line.id,
        "child_config_id": line.child_config_id,
        "quantity": quantity_text(line.quantity),
        "uom": line.uom,
        "find_num": line.find_num,
        "refdes": list(line.refdes or []),
        "sequence": line.sequence,
        "notes": line.notes,
        "properties": dict(line.properties or {}),
    }


def revision_lines(session: Session, item_id: str) -> list[BomLine]:
    """The BOM lines of one revision (its own level), in BOM order."""
    query = select(BomLine).where(BomLine.parent_item_id == item_id)
    return list(session.scalars(query.order_by(BomLine.sequence, BomLine.id)))
