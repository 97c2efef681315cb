"""Demo rules: one of each action type, on the demo ECO flow and on item releases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from yuantus.workflow_action import service
from yuantus.workflow_action.schemas import RuleWrite

if TYPE_CHECKING:
    from yuantus.core.demo import DemoContext

RULES = (
    RuleWrite(
        name="notify-erp-on-review",
        target_object="ECO",
        to_state="Engineering Review",
        trigger_phase="after",
        action_type="emit_event",
        action_params={"event_type": "erp.eco_in_review", "payload": {"system": "SAP ERP"}},
        fail_strategy="warn",
        priority=10,
    ),
    RuleWrite(
        name="expedite-on-approval",
        target_object="ECO",
        from_state="Engineering Review",
        trigger_phase="after",
        action_type="set_eco_priority",
        action_params={"priority": "high"},
        fail_strategy="warn",
        priority=20,
    ),
    RuleWrite(
        name="announce-release-to-mes",
        target_object="ITEM",
        to_state="Released",
        trigger_phase="after",
        action_type="create_job",
        action_params={"task_type": "echo", "payload": {"message": "release reached the MES"}},
        fail_strategy="retry",
        max_retries=2,
        priority=10,
    ),
)


def load(session: Session, ctx: DemoContext) -> None:
    """Upsert the demo rules (idempotent by name)."""
    for rule in RULES:
        service.upsert(session, rule)
    ctx.report.append(f"  custom actions: {', '.join(r.name for r in RULES)}")
