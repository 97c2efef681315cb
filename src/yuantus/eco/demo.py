"""Demo ECOs: one in review on the demo product with a BOM change; one scheduled on the saddle."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.core.db import utcnow
from yuantus.eco import service
from yuantus.eco import stages as stage_service
from yuantus.eco.models import Eco
from yuantus.item import service as item_service
from yuantus.item.models import Item

if TYPE_CHECKING:
    from yuantus.core.demo import DemoContext

DEMO_ECO_NAME = "Demo: add a reinforcement rib to the housing"
RIB_NUMBER = "DEMO-RIB-01"
REVIEW_STAGE = "Engineering Review"
SCHEDULED_ECO_NAME = "Demo: saddles from Selle Nord from the first of next month"
SADDLE = "SEAT-2200"


def load(session: Session, ctx: DemoContext) -> None:
    """Raise the demo ECOs once: one in review, one approved and scheduled."""
    _load_in_review(session, ctx)
    _load_scheduled(session, ctx)


def _load_in_review(session: Session, ctx: DemoContext) -> None:
    """The ECO in review: new revision, one BOM line added, moved into review."""
    product = ctx.objects.get("product")
    if product is None:
        ctx.report.append("  ECO: skipped (no demo product)")
        return
    existing = session.scalar(
        select(Eco).where(Eco.product_config_id == product.config_id, Eco.name == DEMO_ECO_NAME)
    )
    if existing is not None:
        ctx.objects["eco"] = existing
        ctx.report.append(f"  ECO: {existing.number} (exists, {existing.state})")
        return
    if not (product.is_current and product.state == "Released"):
        ctx.report.append(f"  ECO: skipped ({product.item_number} is not current and released)")
        return
    engineer = ctx.users.get("engineer")
    eco = service.create_eco(
        session,
        name=DEMO_ECO_NAME,
        eco_type="bom",
        product_id=product.id,
        user=engineer,
        description="The housing cracked in vibration tests; a rib stiffens it.",
        priority="high",
    )
    eco = service.action_new_revision(session, eco, engineer)
    assert eco.target_item_id is not None
    target = item_service.get(session, eco.target_item_id)
    _add_rib(session, ctx, target)
    review = next(s for s in stage_service.ordered_stages(session) if s.name == REVIEW_STAGE)
    eco = service.move_to_stage(session, eco, review, engineer)
    ctx.objects["eco"] = eco
    ctx.report.append(
        f"  ECO: {eco.number} in {eco.stage_name} on {product.item_number} "
        f"rev {product.revision} -> {target.revision} (approve as 'approver')"
    )


def _add_rib(session: Session, ctx: DemoContext, target: Item) -> None:
    """The BOM change: a new released rib part added to the target revision."""
    from yuantus.bom import service as bom_service

    engineer = ctx.users.get("engineer")
    rib = item_service.create(
        session, "Part", "Reinforcement rib", item_number=RIB_NUMBER, user=engineer
    )
    # released before it enters the target: applying the ECO needs released children
    item_service.transition(session, rib, "submit", engineer)
    item_service.transition(session, rib, "release", ctx.users.get("approver"))
    bom_service.add_child(
        session, target, rib, 2, find_num="90", notes="added by the demo ECO", user=engineer
    )


def _load_scheduled(session: Session, ctx: DemoContext) -> None:
    """A vendor change on the saddle, approved and applied to take effect next month."""
    saddle = ctx.objects.get("parts", {}).get(SADDLE)
    engineer, approver = ctx.users.get("engineer"), ctx.users.get("approver")
    if saddle is None or approver is None:
        return
    existing = session.scalar(
        select(Eco).where(Eco.product_config_id == saddle.config_id, Eco.name == SCHEDULED_ECO_NAME)
    )
    if existing is not None:
        ctx.report.append(f"  ECO: {existing.number} (exists, {existing.state})")
        return
    if not (saddle.is_current and saddle.state == "Released"):
        return
    eco = service.create_eco(
        session,
        name=SCHEDULED_ECO_NAME,
        eco_type="product",
        product_id=saddle.id,
        user=engineer,
        description="Selle Demo stops the model; Selle Nord's equivalent fits the same seatpost.",
        effectivity_date=_first_of_next_month(utcnow().date()),
    )
    eco = service.action_new_revision(session, eco, engineer)
    assert eco.target_item_id is not None
    target = item_service.get(session, eco.target_item_id)
    vendor = {**target.properties, "vendor": "Selle Nord"}
    item_service.update(session, target, properties=vendor, user=engineer)
    review = next(s for s in stage_service.ordered_stages(session) if s.name == REVIEW_STAGE)
    eco = service.move_to_stage(session, eco, review, engineer)
    eco = service.approve(session, eco, approver, "same fit, checked on the frame jig")
    eco = service.action_apply(session, eco, engineer)
    ctx.report.append(
        f"  ECO: {eco.number} {eco.state} on {saddle.item_number} rev {saddle.revision} -> "
        f"{target.revision}, effective {eco.effectivity_date}"
    )


def _first_of_next_month(today: date) -> date:
    """The first day of the month after today's."""
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)
