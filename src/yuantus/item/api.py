"""HTTP endpoints of the item domain: items, revisions and lifecycle."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from yuantus.core import hooks, transitions
from yuantus.core.deps import SessionDep, SettingsDep
from yuantus.core.http import TransactionalRoute
from yuantus.core.pagination import PageDep, PageParams
from yuantus.core.schemas import Page
from yuantus.core.transitions import TransitionOptions, TransitionRequest, action_field
from yuantus.identity.deps import CurrentUser, require_role
from yuantus.identity.models import User
from yuantus.item import history, service
from yuantus.item.deps import PropertyFilters
from yuantus.item.documents_api import router as documents_router
from yuantus.item.models import Item
from yuantus.item.schemas import (
    ItemCreate,
    ItemHistoryEventRead,
    ItemRead,
    ItemState,
    ItemTransitionRead,
    ItemType,
    ItemUpdate,
)
from yuantus.item.sorts import HistorySort, ItemSort, RevisionSort

router = APIRouter(route_class=TransactionalRoute, tags=["item"])
# part-document links are item structure: served under /items by the item domain's router
router.include_router(documents_router)
Q_HELP = "words that must all occur in the number, name, description or property values"
Engineer = Annotated[User, Depends(require_role("engineer"))]
# release and reject are also the approver's; the service checks each transition's roles
LifecycleUser = Annotated[User, Depends(require_role("engineer", "approver"))]


class ItemTransitionRequest(TransitionRequest):
    """A lifecycle action on a revision."""

    action: str = action_field(service.LIFECYCLE)


def _page(rows: list[Item], total: int, page: PageParams) -> Page[ItemRead]:
    return Page.of([ItemRead.model_validate(r) for r in rows], total, page)


@router.post("/items", response_model=ItemRead, status_code=status.HTTP_201_CREATED)
def create_item(body: ItemCreate, session: SessionDep, user: Engineer) -> Item:
    """Create a Part or Document at revision A (Draft); the number is generated if omitted."""
    return service.create(
        session,
        body.item_type,
        body.name,
        item_number=body.item_number,
        description=body.description,
        properties=body.properties,
        user=user,
    )


@router.get("/items", response_model=Page[ItemRead])
def list_items(
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    sort: ItemSort,
    properties: PropertyFilters,
    item_type: ItemType | None = None,
    state: ItemState | None = None,
    q: Annotated[str | None, Query(max_length=200, description=Q_HELP)] = None,
    current_only: Annotated[
        bool, Query(description="only current revisions; false lists every revision")
    ] = True,
    created_by: Annotated[
        str | None, Query(max_length=64, description="the creator's user id or username")
    ] = None,
) -> Page[ItemRead]:
    """Items by type, state, creator, `prop.<key>=<value>` and `q` (current revisions only
    unless current_only=false)."""
    rows, total = service.list_items(
        session,
        page,
        item_type=item_type,
        state=state,
        q=q,
        current_only=current_only,
        created_by=created_by,
        properties=properties,
        sort=sort,
    )
    return _page(rows, total, page)


@router.get("/items/by-number/{item_type}/{item_number:path}", response_model=ItemRead)
def get_item_by_number(
    item_type: str,
    item_number: str,
    session: SessionDep,
    _user: CurrentUser,
    revision: Annotated[
        str | None, Query(max_length=8, description="the revision; the current one when omitted")
    ] = None,
) -> Item:
    """The current revision of an item by its number, or the given ?revision=."""
    return service.get_by_number(session, item_type, item_number, revision)


@router.get("/items/{item_id}", response_model=ItemRead)
def get_item(item_id: str, session: SessionDep, _user: CurrentUser) -> Item:
    """One item revision."""
    return service.get(session, item_id)


@router.patch("/items/{item_id}", response_model=ItemRead)
def update_item(item_id: str, body: ItemUpdate, session: SessionDep, user: Engineer) -> Item:
    """Edit an open revision's name, description or properties; 409 item_frozen when released."""
    return service.update(
        session, service.get(session, item_id), **body.model_dump(exclude_unset=True), user=user
    )


@router.get("/items/{item_id}/revisions", response_model=Page[ItemRead])
def list_revisions(
    item_id: str, session: SessionDep, _user: CurrentUser, page: PageDep, sort: RevisionSort
) -> Page[ItemRead]:
    """Every revision of the item this revision belongs to, oldest first."""
    item = service.get(session, item_id)
    rows, total = service.list_revisions_page(session, item.config_id, page, sort)
    return _page(rows, total, page)


@router.get("/items/{item_id}/history", response_model=Page[ItemHistoryEventRead])
def get_item_history(
    item_id: str, session: SessionDep, _user: CurrentUser, page: PageDep, sort: HistorySort
) -> Page[ItemHistoryEventRead]:
    """What happened to the item, all revisions, newest first, each row naming its revision."""
    rows, total = history.list_history(session, service.get(session, item_id), page, sort)
    items = [
        ItemHistoryEventRead.model_validate(row).model_copy(update={"revision": revision})
        for row, revision in rows
    ]
    return Page.of(items, total, page)


@router.post(
    "/items/{item_id}/revise", response_model=ItemRead, status_code=status.HTTP_201_CREATED
)
def revise_item(item_id: str, session: SessionDep, user: Engineer) -> Item:
    """Open the next revision as a Draft copy of the current released one."""
    return service.revise(session, service.get(session, item_id), user)


@router.post("/items/{item_id}/transitions", response_model=ItemTransitionRead)
def post_transition(
    item_id: str,
    body: ItemTransitionRequest,
    session: SessionDep,
    settings: SettingsDep,
    user: LifecycleUser,
) -> ItemTransitionRead:
    """Take a lifecycle action (submit, reject, release, obsolete) and answer the item."""
    # the action's roles first: a forbidden role gets 403 even for a revision that does not exist
    rule = transitions.rule_for("an item", service.LIFECYCLE, body.action)
    transitions.ensure_role(body.action, rule, user)
    item = service.transition(
        session,
        service.get(session, item_id),
        body.action,
        user,
        four_eyes=settings.release_four_eyes,
        by={"comment": body.comment} if body.comment else None,
    )
    answer = ItemTransitionRead.model_validate(item)
    return answer.model_copy(update={"warnings": hooks.warnings(session)})


@router.get("/items/{item_id}/transitions", response_model=TransitionOptions)
def get_transitions(
    item_id: str, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> TransitionOptions:
    """The revision's state and the lifecycle actions the caller may take now."""
    item = service.get(session, item_id)
    return service.transition_options(item, user, four_eyes=settings.release_four_eyes)
