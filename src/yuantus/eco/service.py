"""The ECO service: create, edit, new revision; the public face of the whole flow.

Every flow function locks the ECO row first, then checks, then changes, and writes one
history event per change, all in the caller's transaction. `move_to_stage` (flow.py) and
`action_apply` (apply.py) run the seed's order: gate -> before actions -> transition ->
after actions; every transition (also cancel, approve, reject, new-revision) runs its
hooks in a savepoint (eco/hooks.py). Approvals live in approvals.py; this module
re-exports the whole flow.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from yuantus.core import error_codes as ec
from yuantus.core import sequences
from yuantus.core.db import new_id
from yuantus.core.error_codes import ErrorCode
from yuantus.core.errors import InvalidState, Unprocessable
from yuantus.eco import codes, effectivity
from yuantus.eco import stages as stage_service
from yuantus.eco.apply import action_apply, action_cancel, record_conflict
from yuantus.eco.approvals import approve, reject
from yuantus.eco.errors import eco_modified
from yuantus.eco.flow import (
    ensure_not_closed,
    ensure_open,
    get,
    get_for_update,
    move_to_stage,
    seen_version,
    set_state,
    touch,
    uid,
)
from yuantus.eco.history import record_event
from yuantus.eco.hooks import (
    _ensure_activity_gate_ready,
    _run_custom_actions,
    eco_action_hooks,
    eco_gate_hooks,
    eco_hooks,
    eco_transition,
    make_transition,
)
from yuantus.eco.models import ECO_TYPES, PRIORITIES, Eco
from yuantus.eco.queries import bom_changes, list_ecos, register_waiting_source
from yuantus.eco.stages import ensure_default_stages
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.item.models import Item

__all__ = [
    "_ensure_activity_gate_ready",
    "_run_custom_actions",
    "action_apply",
    "action_cancel",
    "action_new_revision",
    "approve",
    "bom_changes",
    "create_eco",
    "eco_action_hooks",
    "eco_gate_hooks",
    "eco_hooks",
    "ensure_default_stages",
    "ensure_not_closed",
    "get",
    "get_for_update",
    "list_ecos",
    "move_to_stage",
    "record_conflict",
    "register_waiting_source",
    "reject",
    "update_eco",
]

# which item type each ECO type can change (None: any)
ECO_TYPE_ITEM = {"bom": "Part", "document": "Document", "product": None}
UPDATABLE = ("name", "description", "priority", "effectivity_date", "eco_type")


def create_eco(
    session: Session,
    *,
    name: str,
    eco_type: str,
    product_id: str,
    user: User | None,
    description: str | None = None,
    priority: str = "normal",
    effectivity_date: date | None = None,
) -> Eco:
    """A new ECO (state draft, first stage) on the current released revision of a product."""
    _check_choice(codes.INVALID_ECO_TYPE, "eco_type", eco_type, ECO_TYPES)
    _check_choice(codes.INVALID_PRIORITY, "priority", priority, PRIORITIES)
    product = item_service.get(session, product_id)
    _check_type_fits(eco_type, product)
    if not (product.is_current and product.state == "Released"):
        raise InvalidState(
            f"{product.item_number} rev {product.revision} is not the current released revision",
            code=ec.PRODUCT_NOT_RELEASED,
            context={"product_id": product.id, "state": product.state},
        )
    ensure_default_stages(session)
    stage = stage_service.first_stage(session)
    eco = Eco(
        id=new_id(),
        number=sequences.formatted(session, "eco_number", "ECO", 5),
        name=name,
        eco_type=eco_type,
        product_id=product.id,
        product_config_id=product.config_id,
        stage=stage,
        stage_visit=1,
        state="draft",
        kanban_state="normal",
        priority=priority,
        effectivity_date=effectivity_date,
        description=description,
        created_by=user.id if user else None,
    )
    session.add(eco)
    session.flush()
    record_event(
        session,
        eco,
        "created",
        uid(user),
        to_value=stage.name,
        data={"product_id": product.id, "eco_type": eco_type},
    )
    return eco


def update_eco(
    session: Session,
    eco: Eco,
    user: User | None,
    *,
    expected_version: int | None = None,
    **changes: Any,
) -> Eco:
    """Edit an open ECO's name, description, priority, effectivity or type (optimistic lock)."""
    eco = get_for_update(session, eco.id)
    if expected_version is not None and expected_version != eco.version:
        raise eco_modified(eco.id, expected_version, eco.version)
    ensure_not_closed(eco, "edit")
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise Unprocessable(
            f"unknown ECO fields: {', '.join(sorted(unknown))}",
            code=ec.UNKNOWN_FIELDS,
            context={"fields": sorted(unknown)},
        )
    if "priority" in changes:
        _check_choice(codes.INVALID_PRIORITY, "priority", changes["priority"], PRIORITIES)
    if "eco_type" in changes:
        _check_choice(codes.INVALID_ECO_TYPE, "eco_type", changes["eco_type"], ECO_TYPES)
        _check_type_fits(changes["eco_type"], item_service.get(session, eco.product_id))
    diff = {
        k: [_text(getattr(eco, k)), _text(v)] for k, v in changes.items() if getattr(eco, k) != v
    }
    if not diff:
        return eco
    if "effectivity_date" in diff:
        # its switch job is due at the old date; cancel and re-raise to move it
        effectivity.ensure_not_scheduled(eco, "change the effectivity date of")
    for field_name, value in changes.items():
        setattr(eco, field_name, value)
    touch(eco)
    record_event(session, eco, "updated", uid(user), data={"changes": diff})
    return eco


def action_new_revision(session: Session, eco: Eco, user: User | None) -> Eco:
    """Open the target Draft revision of the product; the ECO goes to state progress."""
    eco = get_for_update(session, eco.id, seen_version(eco))
    ensure_open(eco, "open a new revision")
    if eco.target_item_id is not None:
        raise InvalidState(
            "the ECO already has a target revision",
            code=codes.TARGET_EXISTS,
            context={"target_item_id": eco.target_item_id},
        )
    transition = make_transition(eco, "new_revision", "progress", eco.stage.name, uid(user))
    with eco_transition(session, transition):
        # revise the item's head: a change released meanwhile is then caught as a conflict
        current = item_service.get_current(session, eco.product_config_id)
        # a release withdrawn by canceling its scheduled ECO is taken up again, not lost
        adopted = effectivity.withdrawn_draft(session, eco.product_config_id)
        target = adopted or item_service.revise(
            session, current, user, by=effectivity.eco_cause(eco)
        )
        eco.target_item_id = target.id
        transition.extra["target_item_id"] = target.id
        touch(eco)
        record_event(
            session,
            eco,
            "new_revision",
            uid(user),
            from_value=current.revision,
            to_value=target.revision,
            data={
                "based_on_item_id": current.id,
                "target_item_id": target.id,
                "adopted": adopted is not None,
            },
        )
        set_state(session, eco, "progress", user)
    return eco


def _check_type_fits(eco_type: str, product: Item) -> None:
    needed = ECO_TYPE_ITEM.get(eco_type)
    if needed is not None and product.item_type != needed:
        raise Unprocessable(
            f"an ECO of type {eco_type} changes a {needed}, not a {product.item_type}",
            code=codes.ECO_TYPE_MISMATCH,
            context={"eco_type": eco_type, "item_type": product.item_type},
        )


def _check_choice(code: ErrorCode, field_name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise Unprocessable(
            f"unknown {field_name} {value!r}",
            code=code,
            context={"allowed": list(allowed)},
        )


def _text(value: object) -> str | None:
    return None if value is None else str(value)
