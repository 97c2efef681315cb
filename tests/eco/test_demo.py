"""The demo ECO: in review on the demo product with a BOM change; loading twice adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from tests.eco.conftest import release_item
from yuantus.bom.models import BomLine
from yuantus.core.db import Database, utcnow
from yuantus.demo import DemoContext
from yuantus.eco import demo
from yuantus.eco.models import Eco
from yuantus.identity.models import User
from yuantus.item import service as item_service


def test_demo_eco_is_in_review_with_a_bom_change_and_idempotent(
    database: Database, users: dict[str, User]
) -> None:
    product_id = release_item(database, users["engineer"], "Demo gearbox")
    for _ in range(2):
        with database.scope() as s:
            ctx = DemoContext(
                users=dict(users), objects={"product": item_service.get(s, product_id)}
            )
            demo.load(s, ctx)
    assert "exists" in ctx.report[-1]
    with database.scope() as s:
        ecos = list(s.scalars(select(Eco)))
        assert len(ecos) == 1
        eco = ecos[0]
        assert (eco.stage_name, eco.state, eco.product_id) == (
            "Engineering Review",
            "progress",
            product_id,
        )
        assert eco.target_item_id is not None
        lines = s.scalar(
            select(func.count())
            .select_from(BomLine)
            .where(BomLine.parent_item_id == eco.target_item_id)
        )
        assert lines == 1


def test_demo_without_a_product_reports_the_skip(database: Database) -> None:
    with database.scope() as s:
        ctx = DemoContext()
        demo.load(s, ctx)
        assert ctx.report == ["  ECO: skipped (no demo product)"]
        assert s.scalar(select(func.count()).select_from(Eco)) == 0


def test_full_demo_leaves_one_eco_scheduled_for_the_first_of_next_month(
    database: Database,
) -> None:
    from yuantus.demo import load_demo
    from yuantus.eco import effectivity
    from yuantus.job.models import Job

    for _ in range(2):
        with database.scope() as s:
            ctx = load_demo(s)
    assert any("exists, scheduled" in line for line in ctx.report)
    with database.scope() as s:
        [eco] = s.scalars(select(Eco).where(Eco.state == "scheduled")).all()
        today = utcnow().date()
        first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        assert eco.effectivity_date == first
        assert eco.stage_name == "Ready to Apply"
        saddle = item_service.get(s, eco.product_id)
        assert (saddle.item_number, saddle.state, saddle.is_current) == (
            "SEAT-2200",
            "Released",
            True,
        )
        assert eco.target_item_id is not None
        target = item_service.get(s, eco.target_item_id)
        assert (target.state, target.is_current) == ("Released", False)
        assert target.properties["vendor"] == "Selle Nord"
        assert target.effective_from == datetime.combine(first, time.min, tzinfo=UTC)
        [job] = s.scalars(select(Job).where(Job.task_type == effectivity.SWITCH_TASK)).all()
        assert (job.status, job.scheduled_at) == ("pending", target.effective_from)
