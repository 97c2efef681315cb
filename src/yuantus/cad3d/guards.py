"""The download guard: a restricted overlay's document files go only to who may see it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.cad3d.models import ThreeDOverlay
from yuantus.cad3d.service import ensure_visible
from yuantus.file.models import ItemFile
from yuantus.identity.models import User


def overlay_download_guard(session: Session, file_id: str, user: User) -> None:
    """403 overlay_access_denied when the file belongs to a document the user may not see."""
    documents = select(ItemFile.item_id).where(ItemFile.file_id == file_id)
    overlays = session.scalars(
        select(ThreeDOverlay).where(ThreeDOverlay.document_item_id.in_(documents.scalar_subquery()))
    )
    for overlay in overlays:
        ensure_visible(overlay, user)
