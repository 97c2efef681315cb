"""The activity gate in the ECO flow, and stage templates creating activities on entry.

Registered from the manifest, so the API, the CLI and every job worker run them:
- `activity_gate` (eco_gate_hooks, before eco.move and eco.apply): a forward move or an
  apply with open blocking activities is refused with 409 `eco_blocked` and the blockers;
- `create_stage_activities` (eco_hooks, after eco.move): the entered stage's templates
  become activities of the ECO, once per stage visit.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.core.db import new_id
from yuantus.core.hooks import Block, Transition
from yuantus.eco import stages as stage_service
from yuantus.eco.models import Eco
from yuantus.eco_activity import codes, service
from yuantus.eco_activity.blockers import blockers, now
from yuantus.eco_activity.models import EcoActivityGate
from yuantus.identity.models import User


def _is_forward(session: Session, transition: Transition) -> bool:
    if transition.action == "apply":
        return True
    to_stage = stage_service.get_stage(session, transition.extra["to_stage_id"])
    from_stage = stage_service.get_stage(session, transition.extra["from_stage_id"])
    return stage_service.is_after(session, to_stage, from_stage)


def activity_gate(session: Session, transition: Transition) -> Block | None:
    """Refuse a forward move or an apply while blocking activities are open."""
    if not _is_forward(session, transition):
        # moving back is allowed: rework starts while activities are still open
        return None
    open_blockers = blockers(session, transition.object_id)
    if not open_blockers:
        return None
    what = "be applied" if transition.action == "apply" else f"move to {transition.to_stage}"
    names = ", ".join(b.name for b in open_blockers)
    return Block(
        codes.ECO_BLOCKED,
        f"ECO {transition.extra['eco_number']} cannot {what}: "
        f"{len(open_blockers)} blocking activit{'y is' if len(open_blockers) == 1 else 'ies are'}"
        f" open ({names})",
        {
            "eco_id": transition.object_id,
            "action": transition.action,
            "from_stage": transition.from_stage,
            "to_stage": transition.to_stage,
            "blockers": [b.model_dump(mode="json") for b in open_blockers],
        },
    )


def create_stage_activities(session: Session, transition: Transition) -> None:
    """On entering a stage, create its template activities for this visit (once)."""
    user = session.get(User, transition.user_id) if transition.user_id else None
    create_for_visit(session, transition.obj, user)


def create_for_visit(session: Session, eco: Eco, user: User | None) -> list[EcoActivityGate]:
    """The ECO's current stage templates as activities of this visit, unless already made."""
    stage = eco.stage
    templates = stage.activity_templates or []
    if not templates:
        return []
    visit = eco.stage_visit
    taken = session.scalar(
        select(EcoActivityGate.id)
        .where(
            EcoActivityGate.eco_id == eco.id,
            EcoActivityGate.stage_id == stage.id,
            EcoActivityGate.stage_visit == visit,
        )
        .limit(1)
    )
    if taken is not None:
        return []
    at = now()
    # ids first, so a template may depend on one listed after it
    ids = {t["name"]: new_id() for t in templates}
    created: list[EcoActivityGate] = []
    for template in _dependency_order(templates):
        days = template.get("due_in_days")
        activity = service.create(
            session,
            user,
            eco_id=eco.id,
            activity_id=ids[template["name"]],
            name=template["name"],
            description=template.get("description"),
            is_blocking=template.get("is_blocking", True),
            depends_on_activity_ids=[ids[d] for d in template.get("depends_on", [])],
            assignee_role=template.get("assignee_role"),
            due_at=at + timedelta(days=float(days)) if days else None,
            stage_id=stage.id,
            stage_visit=visit,
            template_name=template["name"],
        )
        created.append(activity)
    return created


def _dependency_order(templates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The templates with every dependency before its dependents (stage checks: no cycle)."""
    ordered: list[dict[str, Any]] = []
    placed: set[str] = set()
    pending = list(templates)
    while pending:
        ready = [t for t in pending if set(t.get("depends_on") or []) <= placed]
        if not ready:  # a cycle the stage check missed: keep the given order
            ordered.extend(pending)
            break
        for t in ready:
            ordered.append(t)
            placed.add(t["name"])
            pending.remove(t)
    return ordered
