"""Files: item-file links (the upload/storage side is built by the items issue)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.file.models import ItemFile
from yuantus.item.models import Item


def copy_links(session: Session, source: Item, target: Item) -> None:
    """Link the target revision to every file of the source revision, in the same roles."""
    links = session.scalars(select(ItemFile).where(ItemFile.item_id == source.id)).all()
    for link in links:
        session.add(
            ItemFile(
                item_id=target.id, file_id=link.file_id, role=link.role, created_by=link.created_by
            )
        )
    session.flush()
