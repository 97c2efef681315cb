"""Read-side views of ECOs: filtered lists and the BOM changes an ECO makes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from yuantus.bom.limits import DEFAULT_LIMITS, StructureLimits
from yuantus.core.errors import InvalidState
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.eco import codes
from yuantus.eco import stages as stage_service
from yuantus.eco.models import Eco, EcoApproval
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.item.models import Item
from yuantus.item.service import RevisionRule

# states in which an ECO can still be signed
DECIDABLE_STATES = ("draft", "progress", "approved")

# other domains add what else an ECO may wait for the user on (eco_activity: open activities
# assigned to the user or the user's roles), as a condition on Eco
WaitingSource = Callable[[Session, User], ColumnElement[bool]]
_waiting_sources: dict[str, WaitingSource] = {}


def register_waiting_source(name: str, source: WaitingSource) -> None:
    """Have `waiting_for_me` also list the ECOs a condition selects (idempotent per name)."""
    _waiting_sources[name] = source


def list_ecos(
    session: Session,
    page: PageParams,
    *,
    user: User | None = None,
    state: str | None = None,
    stage_id: str | None = None,
    product_id: str | None = None,
    priority: str | None = None,
    waiting_for_me: bool = False,
    number: str | None = None,
    product_number: str | None = None,
    q: str | None = None,
    sort: SortOrder | None = None,
) -> tuple[list[Eco], int]:
    """ECOs by state, stage, product (any revision of it, or its number), priority, number,
    a `q` in number, name or description, or awaiting my decision."""
    query: Select[Any] = select(Eco)
    if number:
        query = query.where(Eco.number == number.strip())
    if product_number:
        numbered = select(Item.config_id).where(Item.item_number == product_number.strip())
        query = query.where(Eco.product_config_id.in_(numbered))
    # a scan: ECOs are few next to items; lower() on both sides, as SQL spells it
    for word in (q or "").lower().split():
        query = query.where(
            or_(
                func.lower(Eco.number).contains(word, autoescape=True),
                func.lower(Eco.name).contains(word, autoescape=True),
                func.lower(func.coalesce(Eco.description, "")).contains(word, autoescape=True),
            )
        )
    if state:
        query = query.where(Eco.state == state)
    if stage_id:
        query = query.where(Eco.stage_id == stage_service.get_stage(session, stage_id).id)
    if product_id:
        product = item_service.get(session, product_id)
        query = query.where(Eco.product_config_id == product.config_id)
    if priority:
        query = query.where(Eco.priority == priority)
    if waiting_for_me and user is not None:
        query = _waiting_for(session, query, user)
    query = query.order_by(Eco.created_at.desc(), Eco.number.desc())
    return paginate(session, query, page, sort)


def _waiting_for(session: Session, query: Select[Any], user: User) -> Select[Any]:
    """ECOs in a stage the user may sign, undecided by the user; or waiting through a source."""
    # stages are few: pick the ones whose roles the user holds in Python, portable across backends
    stage_ids = [
        s.id
        for s in stage_service.ordered_stages(session)
        if s.takes_approvals and user.has_role(*s.approval_roles)
    ]
    decided = exists().where(
        and_(
            EcoApproval.eco_id == Eco.id,
            EcoApproval.stage_id == Eco.stage_id,
            EcoApproval.stage_visit == Eco.stage_visit,
            EcoApproval.user_id == user.id,
        )
    )
    awaiting_decision = and_(
        Eco.stage_id.in_(stage_ids),
        Eco.state.in_(DECIDABLE_STATES),
        ~decided,
    )
    others = [source(session, user) for _, source in sorted(_waiting_sources.items())]
    return query.where(or_(awaiting_decision, *others))


def bom_changes(
    session: Session,
    eco: Eco,
    *,
    levels: int = -1,
    rule: RevisionRule | None = None,
    limits: StructureLimits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """The BOM compare and delta preview of the ECO's source against its target revision.

    Without a rule each side uses its own default: the Draft target latest, the source the
    rule it is released under (released; as of its end once the ECO superseded it).
    """
    from yuantus.bom.compare import compare_boms
    from yuantus.bom.delta import build_delta_preview

    if eco.target_item_id is None:
        raise InvalidState(
            "the ECO has no target revision yet; run new-revision first",
            code=codes.NO_TARGET_REVISION,
            context={"eco_id": eco.id},
        )
    source = item_service.get(session, eco.product_id)
    target = item_service.get(session, eco.target_item_id)
    compare = compare_boms(session, source, target, levels=levels, rule=rule, limits=limits)
    return {
        "eco_id": eco.id,
        "eco_number": eco.number,
        "source_item_id": source.id,
        "source_number": source.item_number,
        "source_revision": source.revision,
        "source_name": source.name,
        "target_item_id": target.id,
        "target_number": target.item_number,
        "target_revision": target.revision,
        "target_name": target.name,
        "source_rule": compare["left"]["rule"],
        "target_rule": compare["right"]["rule"],
        "compare": compare,
        "delta": build_delta_preview(compare),
    }
