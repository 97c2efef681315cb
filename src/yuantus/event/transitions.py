"""The core flows' events: an after hook on every state change writes one `meta_events` row.

The hook runs inside the transition's savepoint, after the change is flushed: the event
commits with the change, and a refused or rolled-back change leaves no event.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yuantus.core.hooks import HookRegistry, Transition
from yuantus.event import service
from yuantus.identity.models import User

# hook point -> event type (the object's past tense, as receivers filter on it)
EVENT_TYPES = {
    "eco.move": "eco.stage_changed",
    "eco.apply": "eco.applied",
    "eco.approve": "eco.approved",
    "eco.reject": "eco.rejected",
    "eco.cancel": "eco.canceled",
    "eco.new_revision": "eco.revision_created",
    "eco.switch": "eco.effective",
    "item.submit": "item.submitted",
    "item.reject": "item.rejected",
    "item.release": "item.released",
    "item.obsolete": "item.obsoleted",
    "routing.release": "routing.released",
    "workorder.release": "workorder.released",
    "workorder.start": "workorder.started",
    "workorder.complete": "workorder.completed",
    "workorder.cancel": "workorder.canceled",
}
# after every other after hook: the event tells what the whole change did
EVENT_HOOK_PRIORITY = 10_000


def _label(obj: Any) -> dict[str, Any]:
    """The human identity of the changed object: its number, revision and name if it has them."""
    out: dict[str, Any] = {}
    for field in ("number", "item_number", "revision", "name", "routing_code", "version"):
        value = getattr(obj, field, None)
        if isinstance(value, str | int):
            out[field] = value
    return out


def record_transition(session: Session, transition: Transition) -> None:
    """Write the transition's event (the hook of every registry's after phase)."""
    event_type = EVENT_TYPES.get(transition.point)
    if event_type is None:
        return
    actor = session.get(User, transition.user_id) if transition.user_id else None
    payload = {
        "action": transition.action,
        "from_state": transition.from_state,
        "to_state": transition.to_state,
        **_label(transition.obj),
    }
    if transition.from_stage is not None or transition.to_stage is not None:
        payload["from_stage"] = transition.from_stage
        payload["to_stage"] = transition.to_stage
    service.emit(
        session,
        event_type,
        object_type=transition.object_type,
        object_id=transition.object_id,
        payload=payload,
        actor=actor,
    )


def register(registries: list[HookRegistry]) -> None:
    """Register the event hook on each registry's after phase (idempotent)."""
    for registry in registries:
        points = [p for p in registry.points if p in EVENT_TYPES]
        if points and "after" in registry.phases:
            registry.register(
                "after",
                record_transition,
                name="event.record_transition",
                priority=EVENT_HOOK_PRIORITY,
                points=points,
            )
