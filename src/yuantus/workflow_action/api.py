"""HTTP endpoints of workflow custom actions (admin-only rules; runs readable by admins)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response, status
from sqlalchemy import ColumnElement

from yuantus.core.deps import SessionDep
from yuantus.core.http import TransactionalRoute
from yuantus.core.pagination import PageDep
from yuantus.core.schemas import Page
from yuantus.core.sorting import SortOrder, sort_dependency
from yuantus.identity.deps import require_role
from yuantus.identity.models import User
from yuantus.workflow_action import service
from yuantus.workflow_action.models import ActionRule, ActionRun
from yuantus.workflow_action.schemas import (
    ActionRuleRead,
    ExecuteRequest,
    ExecuteResult,
    PlannedRun,
    RuleUpdate,
    RuleWrite,
    RunRead,
    Target,
)

router = APIRouter(route_class=TransactionalRoute, tags=["workflow actions"])
Admin = Annotated[User, Depends(require_role("admin"))]
RuleSort = Annotated[
    SortOrder,
    sort_dependency(
        {
            "priority": ActionRule.priority,
            "name": ActionRule.name,
            "created_at": ActionRule.created_at,
        },
        default="priority,name",
        tiebreak=ActionRule.id,
    ),
]
RunSort = Annotated[
    SortOrder,
    sort_dependency(
        {"created_at": ActionRun.created_at, "duration_ms": ActionRun.duration_ms},
        default="-created_at",
        tiebreak=ActionRun.id,
    ),
]


@router.post("/workflow-actions/rules", response_model=ActionRuleRead)
def upsert_rule(
    body: RuleWrite, session: SessionDep, _admin: Admin, response: Response
) -> ActionRuleRead:
    """Create a rule (201) or replace the rule with that name (200)."""
    rule, created = service.upsert(session, body)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return ActionRuleRead.model_validate(rule)


@router.get("/workflow-actions/rules", response_model=Page[ActionRuleRead])
def list_rules(
    session: SessionDep,
    _admin: Admin,
    page: PageDep,
    sort: RuleSort,
    target_object: Annotated[Target | None, Query(description="ECO or ITEM")] = None,
    is_enabled: Annotated[bool | None, Query(description="only enabled / disabled")] = None,
) -> Page[ActionRuleRead]:
    """The rules, in run order by default."""
    where: list[ColumnElement[bool]] = []
    if target_object is not None:
        where.append(ActionRule.target_object == target_object)
    if is_enabled is not None:
        where.append(ActionRule.is_enabled == is_enabled)
    rows, total = service.list_rules(session, where, sort, page)
    return Page.of([ActionRuleRead.model_validate(r) for r in rows], total, page)


@router.get("/workflow-actions/rules/{rule_id}", response_model=ActionRuleRead)
def get_rule(rule_id: str, session: SessionDep, _admin: Admin) -> ActionRuleRead:
    """One rule."""
    return ActionRuleRead.model_validate(service.get(session, rule_id))


@router.patch("/workflow-actions/rules/{rule_id}", response_model=ActionRuleRead)
def update_rule(
    rule_id: str, body: RuleUpdate, session: SessionDep, _admin: Admin
) -> ActionRuleRead:
    """Change a rule's fields; its params are checked again."""
    rule = service.update(
        session, service.get(session, rule_id), body.model_dump(exclude_unset=True)
    )
    return ActionRuleRead.model_validate(rule)


@router.delete("/workflow-actions/rules/{rule_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_rule(rule_id: str, session: SessionDep, _admin: Admin) -> Response:
    """Remove a rule (its runs stay)."""
    session.delete(service.get(session, rule_id))
    session.flush()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/workflow-actions/execute", response_model=ExecuteResult)
def execute(body: ExecuteRequest, session: SessionDep, admin: Admin) -> ExecuteResult:
    """Run the rules matching an object and a from/to now; `dry_run` only says what would run."""
    planned, runs, warnings = service.execute(session, body, admin.id)
    return ExecuteResult(
        dry_run=body.dry_run,
        planned=[PlannedRun(**p) for p in planned],
        runs=[RunRead.model_validate(r) for r in runs],
        warnings=warnings,
    )


@router.get("/workflow-actions/runs", response_model=Page[RunRead])
def list_runs(
    session: SessionDep,
    _admin: Admin,
    page: PageDep,
    sort: RunSort,
    rule_id: Annotated[str | None, Query(max_length=36, description="runs of one rule")] = None,
    object_id: Annotated[str | None, Query(max_length=36, description="runs on one object")] = None,
    status_: Annotated[
        Literal["completed", "warning", "failed"] | None,
        Query(alias="status", description="completed, warning or failed"),
    ] = None,
) -> Page[RunRead]:
    """What the rules did, newest first."""
    where: list[ColumnElement[bool]] = []
    if rule_id:
        where.append(ActionRun.rule_id == rule_id)
    if object_id:
        where.append(ActionRun.object_id == object_id)
    if status_:
        where.append(ActionRun.status == status_)
    rows, total = service.list_runs(session, where, sort, page)
    return Page.of([RunRead.model_validate(r) for r in rows], total, page)
