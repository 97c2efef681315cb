"""Answers of links and exports, with routing codes, operation numbers and names."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.identity.models import User
from yuantus.item import lookups
from yuantus.item import service as item_service
from yuantus.manufacturing.models import Operation, Routing, WorkOrder
from yuantus.workorder_doc.models import (
    DocumentPackExport,
    DocumentPackExportItem,
    WorkorderDocumentLink,
)
from yuantus.workorder_doc.schemas import ExportItemRead, ExportRead, LinkRead


def config_of(session: Session, item_id: str) -> str:
    """The config of an item revision (404 item_not_found)."""
    return item_service.get(session, item_id).config_id


def link(session: Session, row: WorkorderDocumentLink, *, inherited: bool) -> LinkRead:
    """The answer of a link."""
    routing = session.get(Routing, row.routing_id)
    op = session.get(Operation, row.operation_id) if row.operation_id else None
    doc = lookups.current_revision_rows(session, [row.document_config_id])[row.document_config_id]
    creator = session.scalar(select(User.username).where(User.id == row.created_by))
    assert routing is not None
    return LinkRead(
        id=row.id,
        routing_id=row.routing_id,
        routing_code=routing.routing_code,
        operation_id=row.operation_id,
        operation_number=op.operation_number if op else None,
        document_config_id=row.document_config_id,
        document_number=doc.item_number,
        document_name=doc.name,
        inherit_to_children=row.inherit_to_children,
        visible_in_production=row.visible_in_production,
        sequence=row.sequence,
        inherited=inherited,
        created_by=row.created_by,
        created_by_name=creator,
        created_at=row.created_at,
    )


def exports(session: Session, rows: Sequence[DocumentPackExport]) -> list[ExportRead]:
    """The answers of exports, their documents loaded in one query."""
    ids = [r.id for r in rows]
    items: dict[str, list[ExportItemRead]] = {}
    for item in session.scalars(
        select(DocumentPackExportItem)
        .where(DocumentPackExportItem.export_id.in_(ids))
        .order_by(DocumentPackExportItem.item_number, DocumentPackExportItem.id)
    ):
        items.setdefault(item.export_id, []).append(
            ExportItemRead(
                document_config_id=item.document_config_id,
                item_number=item.item_number,
                revision=item.revision,
                files=list(item.files),
            )
        )
    codes = dict(
        session.execute(
            select(Routing.id, Routing.routing_code).where(
                Routing.id.in_({r.routing_id for r in rows})
            )
        ).all()
    )
    orders = dict(
        session.execute(
            select(WorkOrder.id, WorkOrder.number).where(
                WorkOrder.id.in_({r.workorder_id for r in rows if r.workorder_id})
            )
        ).all()
    )
    return [
        ExportRead(
            id=r.id,
            workorder_id=r.workorder_id,
            workorder_number=orders.get(r.workorder_id) if r.workorder_id else None,
            routing_id=r.routing_id,
            routing_code=codes[r.routing_id],
            operation_id=r.operation_id,
            export_format=r.export_format,
            rule=r.rule,
            generated_by=r.generated_by,
            generated_by_name=r.generated_by_name,
            generated_at=r.generated_at,
            documents=items.get(r.id, []),
        )
        for r in rows
    ]
