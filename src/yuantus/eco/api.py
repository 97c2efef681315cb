"""HTTP endpoints of the eco domain: /eco and /eco/stages."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response, status
from sqlalchemy.orm import Session

from yuantus.bom.limits import TOO_LARGE_RESPONSE, StructureLimitsDep
from yuantus.core import decimals, hooks
from yuantus.core.deps import SessionDep
from yuantus.core.http import TransactionalRoute
from yuantus.core.pagination import PageDep
from yuantus.core.schemas import Page
from yuantus.core.transitions import TransitionOptions
from yuantus.eco import history, report, service
from yuantus.eco import stages as stage_service
from yuantus.eco import transitions as eco_transitions
from yuantus.eco.models import Eco
from yuantus.eco.schemas import (
    EcoApprovalRead,
    EcoBomChanges,
    EcoCreate,
    EcoEventRead,
    EcoRead,
    EcoStageCreate,
    EcoStageRead,
    EcoStageUpdate,
    EcoState,
    EcoTransitionRead,
    EcoTransitionRequest,
    EcoUpdate,
    Priority,
)
from yuantus.eco.sorts import ApprovalSort, EcoSort, EventSort, StageSort
from yuantus.identity.deps import CurrentUser, require_role
from yuantus.identity.models import User
from yuantus.item.deps import RuleDep

router = APIRouter(route_class=TransactionalRoute, tags=["eco"])
AdminUser = Annotated[User, Depends(require_role("admin"))]
EngineerUser = Annotated[User, Depends(require_role("engineer"))]
_STAGE_ROLES: dict[int | str, dict[str, Any]] = {
    403: {"description": "The user holds none of the stage's approval roles."}
}


def _answer(session: Session, eco: Eco) -> EcoTransitionRead:
    """An ECO after a transition, with the warnings hooks gave during the request."""
    answer = EcoTransitionRead.model_validate(eco)
    return answer.model_copy(update={"warnings": hooks.warnings(session)})


# stage routes come first so /eco/stages is never read as /eco/{eco_id}
@router.get("/eco/stages", response_model=Page[EcoStageRead])
def list_stages(
    session: SessionDep, _user: CurrentUser, page: PageDep, sort: StageSort
) -> Page[EcoStageRead]:
    """The ECO stages in process order."""
    rows, total = stage_service.list_stages(session, page, sort)
    return Page.of([EcoStageRead.model_validate(r) for r in rows], total, page)


@router.post("/eco/stages", response_model=EcoStageRead, status_code=status.HTTP_201_CREATED)
def create_stage(body: EcoStageCreate, session: SessionDep, _admin: AdminUser) -> EcoStageRead:
    """Create an ECO stage (admin)."""
    return EcoStageRead.model_validate(stage_service.create_stage(session, **body.model_dump()))


@router.patch("/eco/stages/{stage_id}", response_model=EcoStageRead)
def update_stage(
    stage_id: str, body: EcoStageUpdate, session: SessionDep, _admin: AdminUser
) -> EcoStageRead:
    """Change an ECO stage (admin)."""
    stage = stage_service.get_stage(session, stage_id)
    changes = body.model_dump(exclude_unset=True)
    return EcoStageRead.model_validate(stage_service.update_stage(session, stage, **changes))


@router.post("/eco", response_model=EcoRead, status_code=status.HTTP_201_CREATED)
def create_eco(body: EcoCreate, session: SessionDep, user: EngineerUser) -> EcoRead:
    """Raise an ECO on the current released revision of a product (engineer)."""
    return EcoRead.model_validate(service.create_eco(session, user=user, **body.model_dump()))


@router.get("/eco", response_model=Page[EcoRead])
def list_ecos(
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    sort: EcoSort,
    state: EcoState | None = None,
    stage_id: Annotated[
        str | None, Query(max_length=36, description="the current stage's id")
    ] = None,
    product_id: Annotated[
        str | None, Query(max_length=36, description="the product revision's id")
    ] = None,
    priority: Priority | None = None,
    waiting_for_me: Annotated[bool, Query(description="only ECOs awaiting my decision")] = False,
    number: Annotated[str | None, Query(max_length=32, description="the ECO number")] = None,
    product_number: Annotated[
        str | None, Query(max_length=64, description="the product's item number")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="words in the number, name or description")
    ] = None,
) -> Page[EcoRead]:
    """ECOs, newest first, filtered by state, stage, product, priority, number, `q` or
    awaiting my decision."""
    rows, total = service.list_ecos(
        session,
        page,
        user=user,
        state=state,
        stage_id=stage_id,
        product_id=product_id,
        priority=priority,
        waiting_for_me=waiting_for_me,
        number=number,
        product_number=product_number,
        q=q,
        sort=sort,
    )
    return Page.of([EcoRead.model_validate(r) for r in rows], total, page)


@router.get("/eco/{eco_id}", response_model=EcoRead)
def get_eco(eco_id: str, session: SessionDep, _user: CurrentUser) -> EcoRead:
    """One ECO."""
    return EcoRead.model_validate(service.get(session, eco_id))


@router.patch("/eco/{eco_id}", response_model=EcoRead)
def update_eco(eco_id: str, body: EcoUpdate, session: SessionDep, user: EngineerUser) -> EcoRead:
    """Edit an open ECO (engineer); a stale `version` answers 409 eco_modified."""
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    eco = service.get(session, eco_id)
    return EcoRead.model_validate(
        service.update_eco(session, eco, user, expected_version=version, **changes)
    )


@router.post("/eco/{eco_id}/new-revision", response_model=EcoTransitionRead)
def new_revision(eco_id: str, session: SessionDep, user: EngineerUser) -> EcoTransitionRead:
    """Open the target Draft revision of the product (engineer); see target_item_id."""
    return _answer(
        session, service.action_new_revision(session, service.get(session, eco_id), user)
    )


@router.post("/eco/{eco_id}/transitions", response_model=EcoTransitionRead)
def post_transition(
    eco_id: str, body: EcoTransitionRequest, session: SessionDep, user: CurrentUser
) -> EcoTransitionRead:
    """Take an action: move (stage_id; engineer), approve or reject (the stage's approval
    roles; the comment is kept with the decision), apply or cancel (engineer)."""
    # the role first: a forbidden role gets 403 even for an ECO that does not exist
    eco_transitions.ensure_action_role(body.action, user)
    eco = service.get(session, eco_id)
    eco = eco_transitions.take(
        session, eco, body.action, user, stage_id=body.stage_id, comment=body.comment
    )
    return _answer(session, eco)


@router.get("/eco/{eco_id}/transitions", response_model=TransitionOptions)
def get_transitions(eco_id: str, session: SessionDep, user: CurrentUser) -> TransitionOptions:
    """The ECO's state and the actions the caller may take now."""
    return eco_transitions.options(session, service.get(session, eco_id), user)


@router.get("/eco/{eco_id}/approvals", response_model=Page[EcoApprovalRead])
def list_approvals(
    eco_id: str, session: SessionDep, _user: CurrentUser, page: PageDep, sort: ApprovalSort
) -> Page[EcoApprovalRead]:
    """Every approval decision on the ECO, oldest first."""
    rows, total = history.list_approvals(session, service.get(session, eco_id), page, sort)
    return Page.of([EcoApprovalRead.model_validate(r) for r in rows], total, page)


@router.get("/eco/{eco_id}/events", response_model=Page[EcoEventRead])
def list_events(
    eco_id: str, session: SessionDep, _user: CurrentUser, page: PageDep, sort: EventSort
) -> Page[EcoEventRead]:
    """The ECO's append-only history, oldest first."""
    rows, total = history.list_events(session, service.get(session, eco_id), page, sort)
    return Page.of([EcoEventRead.model_validate(r) for r in rows], total, page)


@router.get(
    "/eco/{eco_id}/bom-changes",
    response_model=EcoBomChanges,
    response_model_exclude_unset=True,
    responses={
        409: {"description": "The ECO has no target revision yet (no_target_revision)."},
        **TOO_LARGE_RESPONSE,
    },
)
def bom_changes(
    eco_id: str,
    session: SessionDep,
    _user: CurrentUser,
    rule: RuleDep,
    limits: StructureLimitsDep,
    levels: Annotated[int, Query(ge=-1, le=50, description="-1 = all levels")] = -1,
) -> dict[str, Any]:
    """The BOM compare and delta preview of the ECO's source revision against its target."""
    eco = service.get(session, eco_id)
    changes = service.bom_changes(session, eco, levels=levels, rule=rule, limits=limits)
    out: dict[str, Any] = decimals.jsonable(changes)
    return out


@router.get(
    "/eco/{eco_id}/report",
    response_class=Response,
    responses={
        200: {
            "content": {
                media: {"schema": {"type": "string"}} for media in report.MEDIA_TYPES.values()
            },
            "description": "the change report as Markdown, CSV or PDF",
        },
        **TOO_LARGE_RESPONSE,
    },
)
def eco_report(
    eco_id: str,
    session: SessionDep,
    _user: CurrentUser,
    limits: StructureLimitsDep,
    fmt: Annotated[
        Literal["md", "csv", "pdf"], Query(alias="format", description="md (default), csv or pdf")
    ] = "md",
) -> Response:
    """The ECO's change report: header, stages, approvals, the BOM delta and the files changed."""
    eco = service.get(session, eco_id)
    content, media_type, filename = report.export(session, eco, fmt, limits)
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
