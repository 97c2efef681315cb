"""BreakageIncidentService: record incidents, move them through their workflow, list them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from yuantus.audit import service as audit
from yuantus.bom import explosion
from yuantus.bom.limits import DEFAULT_LIMITS, StructureLimits
from yuantus.breakage import codes
from yuantus.breakage.models import TRANSITIONS, WRITER_ROLES, BreakageIncident
from yuantus.breakage.schemas import BreakageCreate
from yuantus.core import error_codes as ec
from yuantus.core import sequences
from yuantus.core.db import utcnow
from yuantus.core.errors import InvalidState, Unprocessable
from yuantus.core.orm import get_or_404
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.core.transitions import AllowedAction, TransitionOptions
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.item.revision_rules import default_for
from yuantus.job import service as job_service
from yuantus.job.models import Job
from yuantus.manufacturing import workorder_service

_SPACES = re.compile(r"\s+")
HELPDESK_TASK = "breakage_helpdesk_sync_stub"


def normalized(text: str) -> str:
    """Lower case, trimmed, single spaces: "Spoke  Snapped " and "spoke snapped" are one."""
    return _SPACES.sub(" ", text.strip().lower())


def signature_of(failure_mode: str | None, description: str) -> str:
    """What makes two failures "the same": the failure mode, else the normalized description."""
    mode = normalized(failure_mode or "")
    return (mode or normalized(description))[:255]


def get(session: Session, incident_id: str) -> BreakageIncident:
    """An incident by id; 404 breakage_not_found."""
    return get_or_404(session, BreakageIncident, incident_id, codes.BREAKAGE_NOT_FOUND)


def _check_in_bom(session: Session, product: Any, component: Any, limits: StructureLimits) -> None:
    """422 component_not_in_bom unless the component is in the product's multi-level BOM."""
    rule = default_for(product)
    rows = explosion.explode_flat(session, product, -1, rule, limits)
    if component.config_id not in {row.child_config_id for row in rows}:
        raise Unprocessable(
            f"{component.item_number} is not in the BOM of {product.item_number} "
            f"rev {product.revision} (rule {rule.kind})",
            code=codes.COMPONENT_NOT_IN_BOM,
            context={
                "product_number": product.item_number,
                "product_revision": product.revision,
                "component_number": component.item_number,
                "rule": rule.describe(),
            },
        )


def create(
    session: Session,
    body: BreakageCreate,
    user: User,
    limits: StructureLimits = DEFAULT_LIMITS,
) -> BreakageIncident:
    """Record an incident after checking the component and the work order against the product."""
    product = item_service.get(session, body.product_item_id)
    component = item_service.get(session, body.component_item_id)
    _check_in_bom(session, product, component, limits)
    if body.workorder_id is not None:
        order = workorder_service.get(session, body.workorder_id)
        if order.product_config_id != product.config_id:
            built = item_service.get(session, order.product_item_id)
            raise Unprocessable(
                f"work order {order.number} builds {built.item_number}, not {product.item_number}",
                code=codes.WORKORDER_PRODUCT_MISMATCH,
                context={
                    "workorder_number": order.number,
                    "workorder_product_number": built.item_number,
                    "product_number": product.item_number,
                },
            )
    now = utcnow()
    occurred = (body.occurred_at or now).astimezone(UTC)
    incident = BreakageIncident(
        number=sequences.formatted(session, "breakage", "BRK", 5),
        product_item_id=product.id,
        product_config_id=product.config_id,
        product_number=product.item_number,
        component_item_id=component.id,
        component_config_id=component.config_id,
        component_number=component.item_number,
        workorder_id=body.workorder_id,
        batch_code=body.batch_code,
        customer=body.customer,
        description=body.description,
        failure_mode=normalized(body.failure_mode or "") or None,
        signature=signature_of(body.failure_mode, body.description),
        quantity=body.quantity,
        responsibility=body.responsibility,
        severity=body.severity,
        status="open",
        occurred_at=occurred,
        occurred_on=occurred.date(),
        created_by=user.id,
        created_at=now,
        updated_at=now,
    )
    session.add(incident)
    session.flush()
    audit.record(
        session,
        object_type="breakage",
        object_id=incident.id,
        action="create",
        after=snapshot(incident),
        actor=user,
    )
    return incident


def snapshot(incident: BreakageIncident) -> dict[str, Any]:
    """The audited fields of an incident."""
    return {
        "number": incident.number,
        "state": incident.status,
        "product_number": incident.product_number,
        "component_number": incident.component_number,
        "severity": incident.severity,
        "responsibility": incident.responsibility,
        "quantity": incident.quantity,
        "failure_mode": incident.failure_mode,
        "batch_code": incident.batch_code,
    }


def allowed_actions(state: str) -> list[str]:
    """The actions the workflow allows from a state."""
    return [action for action, (sources, _to) in TRANSITIONS.items() if state in sources]


def options(incident: BreakageIncident, user: User) -> TransitionOptions:
    """The incident's state and the actions the caller may take now."""
    may_write = user.has_role(*WRITER_ROLES)
    actions = [
        AllowedAction(action=a, to_state=TRANSITIONS[a][1], roles=list(WRITER_ROLES))
        for a in allowed_actions(incident.status)
        if may_write
    ]
    return TransitionOptions(state=incident.status, actions=actions)


def transition(
    session: Session, incident_id: str, action: str, comment: str | None, user: User
) -> BreakageIncident:
    """Move an incident; 409 invalid_transition naming the allowed actions; audited with why."""
    incident = get_or_404(
        session,
        BreakageIncident,
        incident_id,
        codes.BREAKAGE_NOT_FOUND,
        with_for_update=True,
        populate_existing=True,
    )
    allowed = allowed_actions(incident.status)
    if action not in allowed:
        raise InvalidState(
            f"cannot {action} incident {incident.number} in state {incident.status}",
            code=ec.INVALID_TRANSITION,
            context={"state": incident.status, "action": action, "allowed": allowed},
        )
    if action == "reopen" and not (comment and comment.strip()):
        raise Unprocessable(
            "reopening an incident needs a reason (comment)", code=codes.REASON_REQUIRED
        )
    before = incident.status
    incident.status = TRANSITIONS[action][1]
    incident.updated_at = utcnow()
    audit.record(
        session,
        object_type="breakage",
        object_id=incident.id,
        action=action,
        before={"state": before},
        after={"state": incident.status, "reason": comment},
        actor=user,
    )
    session.flush()
    if incident.helpdesk_ticket_id is not None:
        # the helpdesk ticket follows the incident: a synced incident syncs its new state
        enqueue_sync(session, incident, user)
    return incident


def enqueue_sync(session: Session, incident: BreakageIncident, user: User | None) -> Job:
    """Enqueue the helpdesk sync of an incident (one pending sync per incident at a time)."""
    return job_service.create_job(
        session,
        HELPDESK_TASK,
        {"incident_id": incident.id},
        max_attempts=5,
        dedupe_key=f"breakage-helpdesk:{incident.id}",
        created_by=user.id if user is not None else None,
    )


def latest_sync_job(session: Session, incident_id: str) -> Job | None:
    """The newest helpdesk sync job of an incident."""
    return session.scalar(
        select(Job)
        .where(Job.task_type == HELPDESK_TASK, Job.dedupe_key == f"breakage-helpdesk:{incident_id}")
        .order_by(Job.created_at.desc(), Job.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class BreakageFilter:
    """The filters shared by the list, the metrics and the exports."""

    product_item_id: str | None = None
    component_item_id: str | None = None
    state: str | None = None
    severity: str | None = None
    responsibility: str | None = None
    batch_code: str | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


def _config_of(session: Session, item_id: str) -> str:
    return item_service.get(session, item_id).config_id


def conditions(session: Session, where: BreakageFilter) -> list[ColumnElement[bool]]:
    """SQL conditions of a filter; a product or component matches all its revisions."""
    model = BreakageIncident
    out: list[ColumnElement[bool]] = []
    if where.product_item_id:
        out.append(model.product_config_id == _config_of(session, where.product_item_id))
    if where.component_item_id:
        out.append(model.component_config_id == _config_of(session, where.component_item_id))
    for column, value in (
        (model.status, where.state),
        (model.severity, where.severity),
        (model.responsibility, where.responsibility),
        (model.batch_code, where.batch_code),
    ):
        if value is not None:
            out.append(column == value)
    if where.occurred_from is not None:
        out.append(model.occurred_at >= where.occurred_from)
    if where.occurred_to is not None:
        out.append(model.occurred_at < where.occurred_to)
    return out


def filtered(session: Session, where: BreakageFilter) -> Select[Any]:
    """The incidents matching a filter, unordered."""
    return select(BreakageIncident).where(*conditions(session, where))


def list_page(
    session: Session, where: BreakageFilter, sort: SortOrder, page: PageParams
) -> tuple[Sequence[BreakageIncident], int]:
    """One page of the incidents matching a filter, in the asked order."""
    rows, total = paginate(session, sort.apply(filtered(session, where)), page)
    return rows, total
