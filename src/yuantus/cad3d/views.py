"""Answers of overlays: the document's number, revision and name, components' part numbers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.cad3d import service
from yuantus.cad3d.models import ThreeDOverlay
from yuantus.cad3d.schemas import ComponentRead, OverlayRead
from yuantus.identity.models import User
from yuantus.item import service as item_service


def overlay(session: Session, row: ThreeDOverlay) -> OverlayRead:
    """The answer of an overlay."""
    document = item_service.get(session, row.document_item_id)
    numbers = service.item_numbers(session, row)
    creator = session.scalar(select(User.username).where(User.id == row.created_by))
    return OverlayRead(
        id=row.id,
        document_item_id=document.id,
        document_number=document.item_number,
        document_revision=document.revision,
        document_name=document.name,
        version_label=row.version_label,
        status=row.status,
        visibility_roles=list(row.visibility_roles),
        components=[
            ComponentRead(
                component_ref=c["component_ref"],
                item_config_id=c["item_config_id"],
                item_number=numbers.get(c["item_config_id"]),
                label=c.get("label"),
                properties=c.get("properties") or {},
            )
            for c in row.components
        ],
        properties=row.properties,
        created_by=row.created_by,
        created_by_name=creator,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
