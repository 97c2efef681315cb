"""The manufacturing demo: work centers, a released routing and order; loading twice adds none."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.manufacturing.conftest import make_part
from yuantus.core.db import Database
from yuantus.demo import DemoContext
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.manufacturing import demo, routing_service
from yuantus.manufacturing.models import Operation, Routing, WorkCenter, WorkOrder


def test_demo_builds_a_released_routing_and_order_once(
    database: Database, users: dict[str, User]
) -> None:
    product = make_part(database, "DEMO-TOP")
    for _ in range(2):
        with database.scope() as s:
            ctx = DemoContext(
                users=dict(users), objects={"product": item_service.get(s, product["id"])}
            )
            demo.load(s, ctx)
    assert "exists" in ctx.report[-1]
    with database.scope() as s:
        assert s.scalar(select(func.count()).select_from(WorkCenter)) == 2
        routing = s.scalars(select(Routing)).one()
        assert (routing.state, routing.is_primary) == ("released", True)
        assert routing.product_config_id == product["config_id"]
        ops = routing_service.list_operations(s, routing)
        assert [o.operation_number for o in ops] == [10, 20, 30]
        assert s.scalar(select(func.count()).select_from(Operation)) == 3
        order = s.scalars(select(WorkOrder)).one()
        assert (order.state, order.routing_id, order.product_item_id) == (
            "released",
            routing.id,
            product["id"],
        )
        assert order.number == "WO-00001"


def test_demo_without_a_product_makes_only_work_centers(database: Database) -> None:
    with database.scope() as s:
        ctx = DemoContext()
        demo.load(s, ctx)
        assert ctx.report[-1] == "  manufacturing: routing and work order skipped (no demo product)"
        assert s.scalar(select(func.count()).select_from(WorkCenter)) == 2
        assert s.scalar(select(func.count()).select_from(Routing)) == 0


def test_demo_with_an_unreleased_product_skips_the_order(database: Database) -> None:
    product = make_part(database, "DRAFT-TOP", release=False)
    with database.scope() as s:
        ctx = DemoContext(objects={"product": item_service.get(s, product["id"])})
        demo.load(s, ctx)
        assert "not Released" in ctx.report[-1]
        assert s.scalar(select(func.count()).select_from(WorkOrder)) == 0
