"""HTTP endpoints of the bom domain: lines, explosion, where-used, compare and delta."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from yuantus.bom import service
from yuantus.bom.schemas import (
    BomLineCreate,
    BomLineRead,
    BomLineUpdate,
    FlatBom,
    FlatRowRead,
    ItemRef,
    TreeNodeRead,
    WhereUsed,
    WhereUsedRead,
)
from yuantus.core.deps import CurrentUser, SessionDep, require_role
from yuantus.core.http import TransactionalRoute
from yuantus.identity.models import User

router = APIRouter(route_class=TransactionalRoute, tags=["bom"])
Engineer = Annotated[User, Depends(require_role("engineer"))]
Levels = Annotated[int, Query(description="depth to explode; -1 = unlimited")]

# NOTE: the /bom/compare... routes are declared before the /bom/{item_id}/... ones

# --- compare and delta ---------------------------------------------------------------------

# --- lines ---------------------------------------------------------------------------------


@router.post(
    "/bom/{parent_id}/children", response_model=BomLineRead, status_code=status.HTTP_201_CREATED
)
def add_child(parent_id: str, body: BomLineCreate, session: SessionDep, _user: Engineer) -> Any:
    """Add a line to an editable parent revision: a quantity of a child item."""
    return service.create_line(session, parent_id, **body.model_dump(exclude_unset=True))


@router.get("/bom/lines/{line_id}", response_model=BomLineRead)
def get_line(line_id: str, session: SessionDep, _user: CurrentUser) -> Any:
    """One BOM line."""
    return service.get_line(session, line_id)


@router.patch("/bom/lines/{line_id}", response_model=BomLineRead)
def update_line(line_id: str, body: BomLineUpdate, session: SessionDep, _user: Engineer) -> Any:
    """Change a line of an editable parent revision."""
    return service.update_line_by_id(session, line_id, **body.model_dump(exclude_unset=True))


@router.delete("/bom/lines/{line_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_line(line_id: str, session: SessionDep, _user: Engineer) -> Response:
    """Remove a line from an editable parent revision."""
    service.delete_line_by_id(session, line_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/bom/{item_id}/tree", response_model=TreeNodeRead)
def tree(item_id: str, session: SessionDep, _user: CurrentUser, levels: Levels = -1) -> Any:
    """The nested multi-level BOM of a revision (children resolved to current revisions)."""
    return service.tree_for(session, item_id, levels)


@router.get("/bom/{item_id}/flat", response_model=FlatBom)
def flat(
    item_id: str,
    session: SessionDep,
    _user: CurrentUser,
    levels: Levels = -1,
    limit: Annotated[int | None, Query(ge=1, description="rows per page; all when omitted")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> FlatBom:
    """The exploded BOM as rows in depth-first order, with extended quantities."""
    item, rows = service.flat_for(session, item_id, levels)
    page = rows[offset : offset + limit if limit else None]
    return FlatBom(
        item=ItemRef.model_validate(item),
        items=[FlatRowRead.model_validate(r) for r in page],
        total=len(rows),
    )


@router.get("/bom/{item_id}/where-used", response_model=WhereUsed)
def where_used(
    item_id: str, session: SessionDep, _user: CurrentUser, levels: Levels = -1
) -> WhereUsed:
    """The current revisions that use the item, level by level up to the roots."""
    item, rows = service.where_used_for(session, item_id, levels)
    return WhereUsed(
        item=ItemRef.model_validate(item),
        items=[WhereUsedRead.model_validate(r) for r in rows],
        total=len(rows),
    )
