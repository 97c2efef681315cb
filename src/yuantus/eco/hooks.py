"""The two hook points of the ECO flow: activity gates, then custom actions.

P0-B (activity gates) registers on `eco_gate_hooks` ("before" phase): a gate raises to
block the transition. P0-C (custom actions) registers on `eco_hooks` in the "before" and
"after" phases. Every hook runs inside the caller's transaction, so a hook that raises
aborts the transition and everything done for it (including jobs other hooks enqueued).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yuantus.core.hooks import HookRegistry, Phase, Transition
from yuantus.eco.models import Eco

eco_gate_hooks = HookRegistry("eco_gate")
eco_hooks = HookRegistry("eco")
# the seed's name for the custom-action hook point
eco_action_hooks = eco_hooks


def make_transition(
    eco: Eco, action: str, from_stage: str, to_stage: str, user_id: str | None, **extra: Any
) -> Transition:
    """The Transition hooks see: ECO stage names as from/to, ids and states in extra."""
    return Transition(
        object_type="ECO",
        object_id=eco.id,
        obj=eco,
        action=action,
        from_state=from_stage,
        to_state=to_stage,
        user_id=user_id,
        extra={"eco_state": eco.state, "eco_number": eco.number, **extra},
    )


def _ensure_activity_gate_ready(session: Session, eco: Eco, transition: Transition) -> None:
    """Run the activity gates; a gate raises (409 with its blockers) to refuse the transition."""
    eco_gate_hooks.run("before", session, transition)


def _run_custom_actions(session: Session, eco: Eco, transition: Transition, phase: Phase) -> None:
    """Run the custom actions of a phase; one that raises aborts the whole transition."""
    eco_hooks.run(phase, session, transition)
