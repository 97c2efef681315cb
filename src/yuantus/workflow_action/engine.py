"""WorkflowCustomActionService's runner: the matching rules of a transition, in order.

Rules run by (priority, name). Each attempt runs in a savepoint, so a failed attempt leaves
nothing. The fail strategy decides what a failure means:
- block: the transition is refused (409 naming the rule) and everything it and earlier
  rules did rolls back; the failed run row is written after the rollback.
- warn: the run is recorded and the answer's `warnings` say so; the transition goes on.
- retry: up to max_retries more attempts at once (no sleeping while locks are held), then
  RETRY_EXHAUSTED with a warning; the transition goes on.
A rule whose work takes longer than its timeout_s is undone and counts as failed (TIMEOUT):
it is measured, since work inside the transaction cannot be cut off safely midway.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from yuantus.core import decimals
from yuantus.core.db import utcnow
from yuantus.core.errors import YuantusError
from yuantus.core.hooks import Block, Phase, Transition, TransitionBlocked, Warn
from yuantus.workflow_action import codes
from yuantus.workflow_action.actions import RUNNERS, describe
from yuantus.workflow_action.models import ActionRule, ActionRun


class ActionTimedOut(Exception):
    """The action's work took longer than the rule's timeout (its savepoint is rolled back)."""


@dataclass(frozen=True)
class Outcome:
    """One rule's run as written to meta_workflow_custom_action_runs."""

    status: str
    result_code: str
    attempts: int
    error: str | None
    result: dict[str, Any]
    duration_ms: float


def _states(transition: Transition) -> tuple[str | None, str | None]:
    """The (from, to) a rule matches: stage names for an ECO, lifecycle states for an item."""
    if transition.object_type == "ECO":
        return transition.from_stage, transition.to_stage
    return transition.from_state, transition.to_state


def matching_rules(session: Session, transition: Transition, phase: str) -> Sequence[ActionRule]:
    """The enabled rules for this object type, phase, from and to, in run order."""
    origin, target = _states(transition)
    query = (
        select(ActionRule)
        .where(
            ActionRule.is_enabled,
            ActionRule.target_object == transition.object_type,
            ActionRule.trigger_phase == phase,
            or_(ActionRule.from_state.is_(None), ActionRule.from_state == origin),
            or_(ActionRule.to_state.is_(None), ActionRule.to_state == target),
        )
        .order_by(ActionRule.priority, ActionRule.name)
    )
    return session.scalars(query).all()


def _attempt(session: Session, rule: ActionRule, transition: Transition) -> dict[str, Any]:
    """One attempt in a savepoint; over the timeout it is rolled back and raises."""
    started = time.perf_counter()
    with session.begin_nested():
        result = RUNNERS[rule.action_type](session, dict(rule.action_params), transition)
        if time.perf_counter() - started > rule.timeout_s:
            raise ActionTimedOut(f"took longer than {rule.timeout_s} s")
    return result


def execute(session: Session, rule: ActionRule, transition: Transition) -> Outcome:
    """Run a rule with its retries; the outcome before the strategy is applied."""
    tries = 1 + (rule.max_retries if rule.fail_strategy == "retry" else 0)
    started = time.perf_counter()
    error: str | None = None
    timed_out = False
    attempts = 0
    for attempts in range(1, tries + 1):
        try:
            result = _attempt(session, rule, transition)
        except ActionTimedOut as exc:
            error, timed_out = str(exc), True
            break  # retrying slow work while holding the transition's locks only adds to it
        except (YuantusError, SQLAlchemyError, ValueError, LookupError) as exc:
            error = f"{getattr(exc, 'code', type(exc).__name__)}: {exc}"
            continue
        else:
            ms = (time.perf_counter() - started) * 1000
            return Outcome("completed", "OK", attempts, None, result, round(ms, 2))
    ms = round((time.perf_counter() - started) * 1000, 2)
    if timed_out:
        code = "TIMEOUT"
    else:
        code = {"block": "BLOCK", "warn": "WARN", "retry": "RETRY_EXHAUSTED"}[rule.fail_strategy]
    status = "failed" if rule.fail_strategy == "block" or code != "WARN" else "warning"
    return Outcome(status, code, attempts, error, {}, ms)


def _run_row(rule: ActionRule, transition: Transition, phase: str, outcome: Outcome) -> ActionRun:
    origin, target = _states(transition)
    return ActionRun(
        rule_id=rule.id,
        rule_name=rule.name,
        object_type=transition.object_type,
        object_id=transition.object_id,
        from_state=origin,
        to_state=target,
        phase=phase,
        status=outcome.status,
        result_code=outcome.result_code,
        attempts=outcome.attempts,
        error=outcome.error,
        result=decimals.jsonable(outcome.result),
        duration_ms=outcome.duration_ms,
        created_at=utcnow(),
    )


def _persist(row: ActionRun) -> Any:
    # plain values: the row object itself is gone with the rolled-back session state
    values = {
        c.key: getattr(row, c.key)
        for c in ActionRun.__table__.columns
        if getattr(row, c.key) is not None
    }

    def write(session: Session) -> None:
        session.add(ActionRun(**values))

    return write


def run_phase(session: Session, transition: Transition, phase: Phase) -> Warn | None:
    """The hook: run a phase's matching rules; `block` raises, the others become warnings."""
    _runs, warnings = run_rules(session, transition, phase)
    return Warn(warnings) if warnings else None


def run_rules(
    session: Session, transition: Transition, phase: str
) -> tuple[list[ActionRun], list[str]]:
    """Run the matching rules in order; the run rows written and the warnings given."""
    warnings: list[str] = []
    rows: list[ActionRun] = []
    for rule in matching_rules(session, transition, phase):
        outcome = execute(session, rule, transition)
        row = _run_row(rule, transition, phase, outcome)
        if outcome.status == "completed":
            session.add(row)
            rows.append(row)
            continue
        if rule.fail_strategy == "block":
            block = Block(
                codes.CUSTOM_ACTION_BLOCKED,
                f"custom action {rule.name!r} failed ({outcome.result_code}): {outcome.error}",
                {"rule": rule.name, "result_code": outcome.result_code, "error": outcome.error},
            )
            raise TransitionBlocked(
                block, hook=f"workflow_action:{rule.name}", point=transition.point
            ).persist_after_rollback(_persist(row))
        session.add(row)
        rows.append(row)
        warnings.append(
            f"custom action {rule.name!r} failed ({outcome.result_code}): {outcome.error}"
        )
    session.flush()
    return rows, warnings


def plan(session: Session, transition: Transition, phase: str) -> list[dict[str, Any]]:
    """What a dry run answers: the rules that would run, in order, and what each would do."""
    return [
        {
            "rule_id": rule.id,
            "rule": rule.name,
            "priority": rule.priority,
            "action_type": rule.action_type,
            "fail_strategy": rule.fail_strategy,
            "would": describe(rule.action_type, rule.action_params, transition),
        }
        for rule in matching_rules(session, transition, phase)
    ]


def before_hook(session: Session, transition: Transition) -> Warn | None:
    """The before-phase hook of ECO moves/applies and item moves."""
    return run_phase(session, transition, "before")


def after_hook(session: Session, transition: Transition) -> Warn | None:
    """The after-phase hook."""
    return run_phase(session, transition, "after")
