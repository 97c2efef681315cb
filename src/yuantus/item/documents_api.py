"""HTTP endpoints of part-document links: link, list under a rule, unlink, linked parts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response, status

from yuantus.core.deps import SessionDep
from yuantus.core.http import TransactionalRoute
from yuantus.core.pagination import PageDep
from yuantus.identity.deps import CurrentUser, require_role
from yuantus.identity.models import User
from yuantus.item import documents
from yuantus.item.schemas import (
    DocumentLinkCreate,
    DocumentLinkPage,
    DocumentLinkRead,
    DocumentRevisionRead,
    ItemRead,
    LinkedPartPage,
    LinkedPartRead,
)
from yuantus.item.sorts import DocumentLinkSort, LinkedPartSort

# included in the item router, whose "item" tag it takes
router = APIRouter(route_class=TransactionalRoute)
Engineer = Annotated[User, Depends(require_role("engineer"))]


def _read(resolved: documents.ResolvedLink) -> DocumentLinkRead:
    link, revision = resolved.link, resolved.revision
    return DocumentLinkRead(
        id=link.id,
        part_id=link.part_id,
        part_number=link.part_number,
        part_revision=link.part_revision,
        part_name=link.part_name,
        document_config_id=link.document_config_id,
        document_number=resolved.document_number,
        document_name=resolved.document_name,
        role=link.role,
        created_by=link.created_by,
        created_by_name=link.created_by_name,
        created_at=link.created_at,
        unresolved=revision is None,
        resolved=DocumentRevisionRead.model_validate(revision) if revision else None,
    )


@router.post(
    "/items/{part_id}/documents",
    response_model=DocumentLinkRead,
    status_code=status.HTTP_201_CREATED,
)
def link_document(
    part_id: str, body: DocumentLinkCreate, session: SessionDep, user: Engineer
) -> DocumentLinkRead:
    """Link a Document item to an editable Part revision in a role; 409 item_frozen if released."""
    resolved = documents.link(
        session,
        part_id,
        role=body.role,
        document_id=body.document_id,
        document_config_id=body.document_config_id,
        user=user,
    )
    return _read(resolved)


@router.get("/items/{part_id}/documents", response_model=DocumentLinkPage)
def list_documents(
    part_id: str,
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    sort: DocumentLinkSort,
    rule: Literal["latest", "released"] | None = None,
) -> DocumentLinkPage:
    """A part revision's document links, each resolved to a document revision under the rule.

    The default rule is `latest` for a Draft or InReview part and `released` once it is frozen;
    under `released` a document without a Released revision is listed as unresolved.
    """
    used, rows, total = documents.resolved_links(session, part_id, rule, page, sort)
    return DocumentLinkPage(
        rule=used, items=[_read(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.delete("/items/{part_id}/documents/{link_id}", status_code=status.HTTP_204_NO_CONTENT)
def unlink_document(part_id: str, link_id: str, session: SessionDep, user: Engineer) -> Response:
    """Remove a document link from an editable Part revision."""
    documents.unlink(session, part_id, link_id, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/items/{document_id}/linked-parts", response_model=LinkedPartPage)
def linked_parts(
    document_id: str,
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    sort: LinkedPartSort,
    current_only: Annotated[bool, Query(description="only current part revisions")] = True,
) -> LinkedPartPage:
    """Where-used of a document: the part revisions that link to it (current ones by default)."""
    document, rows, total = documents.linked_parts(
        session, document_id, page, current_only=current_only, sort=sort
    )
    return LinkedPartPage(
        document_config_id=document.config_id,
        document_number=document.item_number,
        current_only=current_only,
        items=[
            LinkedPartRead(
                link_id=r.link.id, role=r.link.role, part=ItemRead.model_validate(r.part)
            )
            for r in rows
        ],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
