"""Demo activity gates: templates on Engineering Review; the review ECO's open activities."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from yuantus.eco import stages as stage_service
from yuantus.eco_activity import gate, service
from yuantus.eco_activity.blockers import blockers

if TYPE_CHECKING:
    from yuantus.core.demo import DemoContext

REVIEW_STAGE = "Engineering Review"
TEMPLATES: list[dict[str, Any]] = [
    {
        "name": "Update drawing",
        "is_blocking": True,
        "depends_on": [],
        "assignee_role": "engineer",
        "due_in_days": 2,
        "description": "Add the rib to the housing drawing and its tolerances.",
    },
    {
        "name": "Check stock",
        "is_blocking": True,
        "depends_on": [],
        "assignee_role": "production",
        "due_in_days": 1,
        "description": "Count housings in stock and on order: scrap or rework them?",
    },
    {
        "name": "Sign first article",
        "is_blocking": True,
        "depends_on": ["Update drawing", "Check stock"],
        "assignee_role": "quality",
        "due_in_days": 5,
        "description": "Inspect the first ribbed housing against the new drawing.",
    },
]


def load(session: Session, ctx: DemoContext) -> None:
    """Give Engineering Review its templates; open the review ECO's activities (idempotent)."""
    review = next(
        (s for s in stage_service.ordered_stages(session) if s.name == REVIEW_STAGE), None
    )
    if review is None:
        ctx.report.append("  ECO activities: skipped (no Engineering Review stage)")
        return
    if not review.activity_templates:
        stage_service.update_stage(session, review, activity_templates=TEMPLATES)
    eco = ctx.objects.get("eco")
    if eco is None or eco.stage_id != review.id:
        return
    engineer = ctx.users.get("engineer")
    if engineer is None:
        return
    created = gate.create_for_visit(session, eco, engineer)
    if created:
        drawing, stock = created[0], created[1]
        service.transition(session, drawing, "active", engineer, "drawing opened in CAD")
        service.transition(session, drawing, "completed", engineer, "rib added, rev B drawing")
        production = ctx.users.get("production") or engineer
        service.transition(session, stock, "active", production, "counting the warehouse")
    open_blockers = blockers(session, eco.id)
    ctx.report.append(
        f"  ECO activities: {eco.number} has {len(open_blockers)} blockers ("
        + ", ".join(f"{b.name}: {b.reason}" for b in open_blockers)
        + ")"
    )
