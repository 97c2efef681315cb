"""The three actions: validated on save, real when run (an event, a job, an ECO priority)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from yuantus.core.errors import InvalidState, Unprocessable
from yuantus.core.hooks import Transition
from yuantus.eco.history import record_event
from yuantus.eco.models import CLOSED_STATES, Eco
from yuantus.event import service as events
from yuantus.identity.models import User
from yuantus.job import service as job_service
from yuantus.job.registry import get_handler, registered_task_types
from yuantus.workflow_action import codes

PRIORITIES = ("low", "normal", "high", "urgent")
_EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def _bad(field: str, message: str, **context: Any) -> Unprocessable:
    return Unprocessable(
        message,
        code=codes.INVALID_ACTION_PARAMS,
        context={"field": f"action_params.{field}", **context},
    )


def _payload(params: dict[str, Any]) -> dict[str, Any]:
    payload = params.get("payload", {})
    if not isinstance(payload, dict):
        raise _bad("payload", "payload must be a JSON object")
    return payload


def check_params(action_type: str, target: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters of an action type, checked; 422 invalid_action_params naming the field."""
    allowed = {
        "emit_event": {"event_type", "payload"},
        "create_job": {"task_type", "payload", "priority", "max_attempts"},
        "set_eco_priority": {"priority"},
    }[action_type]
    extra = sorted(set(params) - allowed)
    if extra:
        raise _bad(extra[0], f"{action_type} takes only {', '.join(sorted(allowed))}")
    if action_type == "emit_event":
        event_type = params.get("event_type")
        if not isinstance(event_type, str) or not _EVENT_TYPE.match(event_type):
            raise _bad("event_type", "emit_event needs an event_type like `erp.eco_in_review`")
        _payload(params)
    elif action_type == "create_job":
        task_type = params.get("task_type")
        if not isinstance(task_type, str) or get_handler(task_type) is None:
            raise _bad(
                "task_type",
                "create_job needs a registered task_type",
                known=registered_task_types(),
            )
        _payload(params)
        for name, low, high in (("priority", 0, 10_000), ("max_attempts", 1, 50)):
            value = params.get(name)
            if value is not None and (not isinstance(value, int) or not low <= value <= high):
                raise _bad(name, f"{name} must be a whole number from {low} to {high}")
    else:
        if target != "ECO":
            raise _bad("priority", "set_eco_priority only applies to ECO rules")
        if params.get("priority") not in PRIORITIES:
            raise _bad("priority", f"priority must be one of {', '.join(PRIORITIES)}")
    return params


def describe(action_type: str, params: dict[str, Any], transition: Transition) -> str:
    """What the action would do on this transition, in words (dry runs)."""
    if action_type == "emit_event":
        return (
            f"emit event {params['event_type']} for {transition.object_type} {transition.object_id}"
        )
    if action_type == "create_job":
        return f"enqueue a {params['task_type']} job for {transition.object_id}"
    return f"set the ECO's priority to {params['priority']}"


def _emit_event(session: Session, params: dict[str, Any], t: Transition) -> dict[str, Any]:
    actor = session.get(User, t.user_id) if t.user_id else None
    payload = {
        **_payload(params),
        "from_state": t.from_stage or t.from_state,
        "to_state": t.to_stage or t.to_state,
    }
    event = events.emit(
        session,
        params["event_type"],
        object_type=t.object_type,
        object_id=t.object_id,
        payload=payload,
        actor=actor,
    )
    return {"event_id": event.id, "event_type": event.type}


def _create_job(session: Session, params: dict[str, Any], t: Transition) -> dict[str, Any]:
    payload = {**_payload(params), "object_type": t.object_type, "object_id": t.object_id}
    job = job_service.create_job(
        session,
        params["task_type"],
        payload,
        priority=params.get("priority", 100),
        max_attempts=params.get("max_attempts", 3),
        created_by=t.user_id,
    )
    session.flush()
    return {"job_id": job.id, "task_type": job.task_type}


def _set_eco_priority(session: Session, params: dict[str, Any], t: Transition) -> dict[str, Any]:
    eco = session.get(Eco, t.object_id)
    if eco is None:
        raise InvalidState("the ECO is gone", code=codes.ACTION_FAILED)
    # a done or canceled ECO is history: its fields no longer change
    if eco.state in CLOSED_STATES or t.to_state in CLOSED_STATES:
        raise InvalidState(
            f"{eco.number} is {t.to_state if t.to_state in CLOSED_STATES else eco.state}; "
            "its priority no longer changes",
            code=codes.ACTION_FAILED,
        )
    before, eco.priority = eco.priority, params["priority"]
    if before != eco.priority:
        record_event(
            session, eco, "priority_changed", t.user_id, from_value=before, to_value=eco.priority
        )
    session.flush()
    return {"from": before, "to": eco.priority}


RUNNERS: dict[str, Callable[[Session, dict[str, Any], Transition], dict[str, Any]]] = {
    "emit_event": _emit_event,
    "create_job": _create_job,
    "set_eco_priority": _set_eco_priority,
}
