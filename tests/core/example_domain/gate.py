"""An ECO activity gate: an ECO put on hold (its name starts with "[hold]") cannot go on."""

from __future__ import annotations

from sqlalchemy.orm import Session

from yuantus.core.errors import InvalidState
from yuantus.core.hooks import Transition

HOLD_MARK = "[hold]"


def hold_gate(_session: Session, transition: Transition) -> None:
    """Refuse any gated transition (move, apply) of an ECO on hold; the stages in context."""
    if transition.obj.name.startswith(HOLD_MARK):
        raise InvalidState(
            f"ECO {transition.extra['eco_number']} is on hold",
            code="example_eco_on_hold",
            context={"from_stage": transition.from_stage, "to_stage": transition.to_stage},
        )
