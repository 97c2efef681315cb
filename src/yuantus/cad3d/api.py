"""HTTP endpoints of 3D overlays: upsert, read, live component lookups, extraction."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status

from yuantus.cad3d import extract, service, views
from yuantus.cad3d.models import ThreeDOverlay
from yuantus.cad3d.schemas import (
    ComponentLookup,
    ComponentWrite,
    ExtractResult,
    OverlayRead,
    OverlayWrite,
    ResolveRequest,
    ResolveResult,
)
from yuantus.core.deps import SessionDep, SettingsDep
from yuantus.core.http import TransactionalRoute
from yuantus.file.storage import get_storage
from yuantus.identity.deps import CurrentUser, require_role
from yuantus.identity.models import User
from yuantus.item.deps import RuleDep
from yuantus.item.revision_rules import RevisionRule

router = APIRouter(route_class=TransactionalRoute, tags=["cad-3d"])
Engineer = Annotated[User, Depends(require_role("engineer"))]
DocumentId = Annotated[str, Path(max_length=36, description="the document revision's id")]
_DENIED: dict[int | str, dict[str, Any]] = {
    403: {"description": "The overlay's roles do not admit the user (overlay_access_denied)."}
}
_RESOLVE: dict[int | str, dict[str, Any]] = {
    **_DENIED,
    413: {"description": "More than 5,000 refs in one request."},
}


def _rule(asked: RevisionRule | None) -> RevisionRule:
    # a viewer shows what was released, unless it asks for another rule
    return asked if asked is not None else RevisionRule("released", default=True)


def _visible(session: SessionDep, document_id: str, user: User) -> ThreeDOverlay:
    overlay = service.overlay_of(session, document_id)
    service.ensure_visible(overlay, user)
    return overlay


@router.post("/cad-3d/overlays", response_model=OverlayRead)
def upsert_overlay(
    body: OverlayWrite, session: SessionDep, user: Engineer, response: Response
) -> OverlayRead:
    """Create (201) or replace (200) the overlay of a document revision."""
    existed = service.overlay_exists(session, body.document_item_id)
    row = service.upsert(session, body, user)
    response.status_code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
    return views.overlay(session, row)


@router.get("/cad-3d/overlays/{document_id}", response_model=OverlayRead, responses=_DENIED)
def get_overlay(document_id: DocumentId, session: SessionDep, user: CurrentUser) -> OverlayRead:
    """A document's overlay; 403 overlay_access_denied for a role it does not admit."""
    return views.overlay(session, _visible(session, document_id, user))


@router.get(
    "/cad-3d/overlays/{document_id}/components/{component_ref:path}",
    response_model=ComponentLookup,
    responses=_DENIED,
)
def get_component(
    document_id: DocumentId,
    component_ref: Annotated[str, Path(max_length=300, description="the ref (trimmed, any case)")],
    session: SessionDep,
    user: CurrentUser,
    rule: RuleDep,
) -> ComponentLookup:
    """The live part behind a component: its revision under the rule, state, documents."""
    overlay = _visible(session, document_id, user)
    return service.lookup(session, overlay, component_ref, _rule(rule))


@router.post(
    "/cad-3d/overlays/{document_id}/components/resolve",
    response_model=ResolveResult,
    responses=_RESOLVE,
)
def resolve_components(
    document_id: DocumentId,
    body: ResolveRequest,
    session: SessionDep,
    user: CurrentUser,
    rule: RuleDep,
) -> ResolveResult:
    """Many refs in one request (up to 5,000; more is 413), with a fixed number of queries."""
    overlay = _visible(session, document_id, user)
    used = _rule(rule)
    resolved, unknown = service.resolve(session, overlay, body.refs, used)
    return ResolveResult(rule=used.describe(), resolved=resolved, unknown=unknown)


@router.post("/cad-3d/overlays/{document_id}/extract", response_model=ExtractResult)
def extract_components(
    document_id: DocumentId,
    session: SessionDep,
    settings: SettingsDep,
    user: Engineer,
    apply: Annotated[bool, Query(description="write the matched nodes into the overlay")] = False,
) -> ExtractResult:
    """Read the document's viewable glTF/GLB: nodes mapped to parts by extras or by name."""
    file_obj, matched, unmatched = extract.extract(session, get_storage(settings), document_id)
    if apply:
        current = service.overlay_or_none(session, document_id)
        body = OverlayWrite(
            document_item_id=document_id,
            version_label=current.version_label if current else None,
            visibility_roles=list(current.visibility_roles) if current else [],  # type: ignore[arg-type]
            components=[
                ComponentWrite(
                    component_ref=node.component_ref,
                    item_id=service.current_id(session, node.item_config_id or ""),
                    label=node.node_name,
                )
                for node in matched
            ],
            properties=current.properties if current else {},
        )
        service.upsert(session, body, user)
    return ExtractResult(
        document_item_id=document_id,
        file_id=file_obj.id,
        matched=matched,
        unmatched=unmatched,
        applied=apply,
    )
