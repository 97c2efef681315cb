"""The BOM demo builds a released 3-level product once."""

from __future__ import annotations

from decimal import Decimal

from yuantus.bom import demo, service
from yuantus.core.db import Database
from yuantus.demo import DemoContext
from yuantus.identity.models import User
from yuantus.item import service as item_service


def test_demo_builds_a_released_three_level_product_idempotently(
    database: Database, users: dict[str, User]
) -> None:
    for _ in range(2):
        with database.scope() as s:
            ctx = DemoContext(users={n: s.merge(users[n]) for n in ("engineer", "approver")})
            demo.load(s, ctx)
            product = ctx.objects["product"]
            assert product.state == "Released"
            assert product.is_current
            rows = service.explode_flat(s, product)
            assert len(rows) == 11
            assert max(r.level for r in rows) == 3
            assert all(r.child_state == "Released" for r in rows)
            assert product.released_by == users["approver"].id
            wheel_spokes = next(
                r for r in rows if r.path == ["BIKE-1000", "WHEEL-2100", "SPOKE-3101"]
            )
            assert wheel_spokes.extended_quantity == 64
            bearings = next(r for r in rows if r.child_number == "BEARING-4001")
            assert bearings.path == ["BIKE-1000", "WHEEL-2100", "HUB-3103", "BEARING-4001"]
            assert bearings.extended_quantity == 4
            # the kids' variant is imported from a sheet, its new parts created as Drafts
            kids = service.explode_flat(s, item_service.get_by_number(s, "Part", "BIKE-1000-K"))
            assert [(r.level, r.child_number, r.child_state) for r in kids if r.level == 1] == [
                (1, "FRAME-2000", "Released"),
                (1, "WHEEL-2100", "Released"),
                (1, "SEAT-2200", "Released"),
                (1, "STAB-2300", "Draft"),
            ]
            stabilizer = next(r for r in kids if r.child_number == "BRACKET-2301")
            assert stabilizer.child_name == "Training wheel bracket"
            assert stabilizer.extended_quantity == Decimal(2)
