"""WorkflowCustomActionService: the rules (upsert by name, checked params) and manual runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from yuantus.core.db import utcnow
from yuantus.core.hooks import Transition
from yuantus.core.orm import get_or_404
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.eco import codes as eco_codes
from yuantus.eco.models import Eco
from yuantus.item import codes as item_codes
from yuantus.item.models import Item
from yuantus.workflow_action import codes, engine
from yuantus.workflow_action.actions import check_params
from yuantus.workflow_action.models import ActionRule, ActionRun
from yuantus.workflow_action.schemas import ExecuteRequest, RuleWrite


def get(session: Session, rule_id: str) -> ActionRule:
    """A rule by id; 404 rule_not_found."""
    return get_or_404(session, ActionRule, rule_id, codes.RULE_NOT_FOUND)


def upsert(session: Session, body: RuleWrite) -> tuple[ActionRule, bool]:
    """Create the rule, or replace the one with this name; (rule, created)."""
    values = body.model_dump()
    values["action_params"] = check_params(body.action_type, body.target_object, body.action_params)
    if body.fail_strategy != "retry":
        values["max_retries"] = 0
    rule = session.scalar(select(ActionRule).where(ActionRule.name == body.name))
    created = rule is None
    if rule is None:
        rule = ActionRule(created_at=utcnow())
        session.add(rule)
    for key, value in values.items():
        setattr(rule, key, value)
    rule.updated_at = utcnow()
    session.flush()
    return rule, created


def update(session: Session, rule: ActionRule, changes: dict[str, Any]) -> ActionRule:
    """Apply a PATCH; the params are checked against the (new) action type."""
    action_type = changes.get("action_type", rule.action_type)
    params = changes.get("action_params", rule.action_params)
    changes["action_params"] = check_params(action_type, rule.target_object, params)
    for key, value in changes.items():
        setattr(rule, key, value)
    if rule.fail_strategy != "retry":
        rule.max_retries = 0
    rule.updated_at = utcnow()
    session.flush()
    return rule


def list_rules(
    session: Session, where: list[ColumnElement[bool]], sort: SortOrder, page: PageParams
) -> tuple[Sequence[ActionRule], int]:
    """One page of rules."""
    rows, total = paginate(session, sort.apply(select(ActionRule).where(*where)), page)
    return rows, total


def list_runs(
    session: Session, where: list[ColumnElement[bool]], sort: SortOrder, page: PageParams
) -> tuple[Sequence[ActionRun], int]:
    """One page of runs."""
    rows, total = paginate(session, sort.apply(select(ActionRun).where(*where)), page)
    return rows, total


def _transition(session: Session, body: ExecuteRequest, user_id: str) -> Transition:
    """A transition of the object as the rules see it, for a manual run."""
    if body.target_object == "ECO":
        eco = get_or_404(session, Eco, body.object_id, eco_codes.ECO_NOT_FOUND)
        return Transition(
            object_type="ECO",
            object_id=eco.id,
            obj=eco,
            action="execute",
            from_state=eco.state,
            to_state=eco.state,
            from_stage=body.from_state,
            to_stage=body.to_state,
            user_id=user_id,
        )
    item = get_or_404(session, Item, body.object_id, item_codes.ITEM_NOT_FOUND)
    return Transition(
        object_type="ITEM",
        object_id=item.id,
        obj=item,
        action="execute",
        from_state=body.from_state,
        to_state=body.to_state,
        user_id=user_id,
    )


def execute(
    session: Session, body: ExecuteRequest, user_id: str
) -> tuple[list[dict[str, Any]], list[ActionRun], list[str]]:
    """Plan (dry run: nothing written) or run the matching rules; (plan, runs, warnings)."""
    transition = _transition(session, body, user_id)
    planned = engine.plan(session, transition, body.trigger_phase)
    if body.dry_run:
        return planned, [], []
    # a block failure undoes the earlier rules' work; its run row is written after rollback
    with session.begin_nested():
        runs, given = engine.run_rules(session, transition, body.trigger_phase)
    return planned, runs, given
