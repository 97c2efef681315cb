"""HTTP endpoints of work-order document links, packs (zip, pdf, json) and the export log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from yuantus.core.deps import DatabaseDep, SessionDep, SettingsDep
from yuantus.core.http import TransactionalRoute
from yuantus.core.pagination import PageDep, paginate
from yuantus.core.schemas import Page
from yuantus.file.storage import get_storage
from yuantus.identity.deps import CurrentUser, require_role
from yuantus.identity.models import User
from yuantus.manufacturing import routing_service
from yuantus.workorder_doc import exports, pdfbook, service, views
from yuantus.workorder_doc.models import DocumentPackExport, DocumentPackExportItem
from yuantus.workorder_doc.schemas import (
    ExportFormat,
    ExportRead,
    LinkRead,
    LinkWrite,
    PackManifest,
)
from yuantus.workorder_doc.sorts import ExportSort

router = APIRouter(route_class=TransactionalRoute, tags=["workorder-docs"])
Writer = Annotated[User, Depends(require_role("engineer", "production"))]
FormatQuery = Annotated[ExportFormat, Query(description="zip (files), pdf (one book) or json")]
PartDocs = Annotated[
    bool, Query(description="also the documents linked to the routing's product part")
]
MEDIA = {"zip": "application/zip", "pdf": "application/pdf", "json": "application/json"}
# the json export is the pack's manifest; zip and pdf are binary
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": PackManifest, "content": {media: {} for media in MEDIA.values()}}
}


@router.post("/workorder-docs/links", response_model=LinkRead)
def upsert_link(body: LinkWrite, session: SessionDep, user: Writer, response: Response) -> LinkRead:
    """Link a document to a routing or an operation (201), or update that link (200)."""
    link, created = service.upsert_link(session, body, user)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return views.link(session, link, inherited=False)


@router.get("/workorder-docs/links", response_model=Page[LinkRead])
def list_links(
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    routing_id: Annotated[str, Query(max_length=36, description="the routing")],
    operation_id: Annotated[
        str | None, Query(max_length=36, description="an operation; omit for routing level")
    ] = None,
    include_inherited: Annotated[
        bool, Query(description="with an operation: also the routing links it inherits")
    ] = True,
) -> Page[LinkRead]:
    """The links of a routing, or of an operation (its own, then the inherited ones)."""
    routing = routing_service.get(session, routing_id)
    rows = service.links_of(session, routing, operation_id, include_inherited)
    answers = sorted(
        (views.link(session, r, inherited=i) for r, i in rows),
        key=lambda a: (a.inherited, a.sequence, a.document_number),
    )
    window = answers[page.offset : page.offset + page.limit]
    return Page.of(window, len(answers), page)


@router.delete("/workorder-docs/links/{link_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_link(link_id: str, session: SessionDep, user: Writer) -> Response:
    """Remove a link (packs exported before keep what they held)."""
    service.delete_link(session, link_id, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _answer(
    pack: service.Pack, export_format: str, db: DatabaseDep, settings: SettingsDep
) -> Response:
    # the export log is written in its own transaction: reads (GET) stay read-only
    with db.scope() as log_session:
        export_id = exports.record(log_session, pack, export_format).id
    content = exports.manifest(pack, export_id)
    name = f"{pack.workorder.number if pack.workorder else pack.routing.routing_code}-docs"
    disposition = {"content-disposition": f'attachment; filename="{name}.{export_format}"'}
    storage = get_storage(settings)
    if export_format == "json":
        return Response(exports.manifest_json(content), media_type=MEDIA["json"])
    if export_format == "pdf":
        book = pdfbook.book(pack, content, storage)
        return Response(book, media_type=MEDIA["pdf"], headers=disposition)
    return StreamingResponse(
        exports.zip_stream(pack, content, storage), media_type=MEDIA["zip"], headers=disposition
    )


@router.get("/workorder-docs/export", response_class=Response, responses=_RESPONSES)
def export_routing_pack(
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    user: CurrentUser,
    routing_id: Annotated[str, Query(max_length=36, description="the routing")],
    export_format: FormatQuery = "zip",
    operation_id: Annotated[str | None, Query(max_length=36, description="one operation")] = None,
    include_part_documents: PartDocs = False,
) -> Response:
    """A routing's (or an operation's) pack at the latest released revisions."""
    routing = routing_service.get(session, routing_id)
    pack = service.build_pack(
        session, routing, operation_id, user, include_part_documents=include_part_documents
    )
    return _answer(pack, export_format, db, settings)


@router.get("/workorders/{workorder_id}/doc-pack", response_class=Response, responses=_RESPONSES)
def export_workorder_pack(
    workorder_id: str,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    user: CurrentUser,
    export_format: FormatQuery = "zip",
    include_part_documents: PartDocs = False,
) -> Response:
    """A work order's pack: every operation, at the revisions in effect at its release."""
    pack = service.pack_for_workorder(
        session, workorder_id, user, include_part_documents=include_part_documents
    )
    return _answer(pack, export_format, db, settings)


@router.get("/workorder-docs/exports", response_model=Page[ExportRead])
def list_exports(
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    sort: ExportSort,
    document_id: Annotated[
        str | None, Query(max_length=36, description="exports holding this document")
    ] = None,
    revision: Annotated[str | None, Query(max_length=8, description="... at this revision")] = None,
    workorder_id: Annotated[str | None, Query(max_length=36, description="one order")] = None,
) -> Page[ExportRead]:
    """The controlled copies handed out, newest first: who got which revision, when."""
    query = select(DocumentPackExport)
    if document_id:
        config = views.config_of(session, document_id)
        items = select(DocumentPackExportItem.export_id).where(
            DocumentPackExportItem.document_config_id == config
        )
        if revision:
            items = items.where(DocumentPackExportItem.revision == revision)
        query = query.where(DocumentPackExport.id.in_(items.scalar_subquery()))
    if workorder_id:
        query = query.where(DocumentPackExport.workorder_id == workorder_id)
    query = query.order_by(DocumentPackExport.generated_at.desc(), DocumentPackExport.id)
    rows, total = paginate(session, query, page, sort)
    return Page.of(views.exports(session, rows), total, page)
