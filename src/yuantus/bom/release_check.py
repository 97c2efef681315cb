"""The BOM's part of the item release check: a revision's child items, in line order."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuantus.bom.models import BomLine


def child_configs(session: Session, revision_id: str) -> list[str]:
    """The config ids of a revision's BOM children, in line order (sequence, find number)."""
    query = (
        select(BomLine.child_config_id)
        .where(BomLine.parent_item_id == revision_id)
        .order_by(BomLine.sequence, func.coalesce(BomLine.find_num, ""), BomLine.id)
    )
    return list(session.scalars(query))
