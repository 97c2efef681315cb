"""The hook points of the ECO flow: activity gates, then custom actions.

Every ECO transition runs lock -> checks -> gates -> before actions -> the change ->
after actions, in a savepoint (`eco_transition`). P0-B (activity gates) registers on
`eco_gate_hooks` ("before" only, on eco.move and eco.apply); P0-C (custom actions) and
others register on `eco_hooks`, whose points are ECO_POINTS. A hook that blocks or
raises undoes the transition and everything done for it (including jobs other hooks
enqueued).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from yuantus.core.hooks import HookRegistry, Phase, Transition, run_transition
from yuantus.eco.models import Eco

# switch: the effectivity job making a scheduled ECO take effect (eco/effectivity.py)
ECO_ACTIONS = ("move", "apply", "cancel", "approve", "reject", "new_revision", "switch")
ECO_POINTS = tuple(f"eco.{action}" for action in ECO_ACTIONS)
GATED_POINTS = ("eco.move", "eco.apply")

eco_gate_hooks = HookRegistry("eco_gate", GATED_POINTS, phases=("before",))
eco_hooks = HookRegistry("eco", ECO_POINTS)
# the seed's name for the custom-action hook point
eco_action_hooks = eco_hooks


def make_transition(
    eco: Eco,
    action: str,
    to_state: str,
    to_stage: str,
    user_id: str | None,
    **extra: Any,
) -> Transition:
    """The Transition hooks see: ECO states as from/to_state, stage names as from/to_stage."""
    return Transition(
        object_type="ECO",
        object_id=eco.id,
        obj=eco,
        action=action,
        from_state=eco.state,
        to_state=to_state,
        from_stage=eco.stage.name,
        to_stage=to_stage,
        user_id=user_id,
        extra={"eco_number": eco.number, **extra},
    )


@contextmanager
def eco_transition(session: Session, transition: Transition) -> Iterator[Transition]:
    """Savepoint -> gates (move, apply) -> before actions -> the change -> after actions."""
    gates = eco_gate_hooks if transition.point in GATED_POINTS else None
    with run_transition(session, transition, eco_hooks, gates=gates) as running:
        yield running


def _ensure_activity_gate_ready(session: Session, eco: Eco, transition: Transition) -> None:
    """Run the activity gates; a gate that blocks refuses the transition with 409."""
    eco_gate_hooks.run("before", session, transition)


def _run_custom_actions(session: Session, eco: Eco, transition: Transition, phase: Phase) -> None:
    """Run the custom actions of a phase; one that blocks aborts the whole transition."""
    eco_hooks.run(phase, session, transition)
