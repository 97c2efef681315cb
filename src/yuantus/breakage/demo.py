"""Demo incidents on the demo product: a repeated weld crack on a hotspot component."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuantus.bom import explosion
from yuantus.breakage import service
from yuantus.breakage.models import BreakageIncident
from yuantus.breakage.schemas import BreakageCreate
from yuantus.core.db import utcnow
from yuantus.item.revision_rules import default_for

if TYPE_CHECKING:
    from yuantus.core.demo import DemoContext

# (component index in the BOM, days ago, failure mode, description, severity, responsibility, qty)
INCIDENTS = (
    (0, 13, "weld crack", "Crack at the weld seam after the drop test", "high", "supplier", 2),
    (0, 9, "weld crack", "Hairline crack at the same weld seam", "high", "supplier", 1),
    (0, 4, "weld crack", "Weld seam cracked in field use", "critical", "field", 1),
    (1, 8, "thread stripped", "Thread stripped while torquing to 6 Nm", "medium", "production", 3),
    (1, 2, "thread stripped", "Thread stripped at final assembly", "medium", "production", 1),
    (2, 6, None, "Paint scratched in packaging", "low", "production", 5),
    (0, 1, None, "Bore out of tolerance (H7) found at incoming inspection", "medium", "design", 1),
)


def load(session: Session, ctx: DemoContext) -> None:
    """Record the demo incidents once, against the demo product and its work order."""
    product = ctx.objects.get("product")
    user = ctx.users.get("quality")
    if product is None or user is None:
        ctx.report.append("  breakages: skipped (no demo product)")
        return
    existing = session.scalar(select(func.count()).select_from(BreakageIncident)) or 0
    if existing:
        ctx.report.append(f"  breakages: {existing} incidents (exist)")
        return
    rows = explosion.explode_flat(session, product, -1, default_for(product))
    components = [r for r in rows if r.child_id is not None][:3]
    if not components:
        ctx.report.append("  breakages: skipped (the demo product has no BOM)")
        return
    order = ctx.objects.get("workorder")
    now = utcnow()
    created = []
    for index, days, mode, text, severity, who, qty in INCIDENTS:
        component = components[min(index, len(components) - 1)]
        body = BreakageCreate(
            product_item_id=product.id,
            component_item_id=component.child_id or "",
            workorder_id=order.id if order is not None else None,
            batch_code=f"LOT-2026-{48 - days // 7:02d}",
            customer="Velo Nord GmbH" if who == "field" else None,
            description=text,
            failure_mode=mode,
            quantity=qty,
            responsibility=who,  # type: ignore[arg-type]
            severity=severity,  # type: ignore[arg-type]
            occurred_at=now - timedelta(days=days, hours=3),
        )
        created.append(service.create(session, body, user))
    service.transition(session, created[0].id, "investigate", "8D opened with the supplier", user)
    service.transition(session, created[5].id, "investigate", None, user)
    service.transition(session, created[5].id, "resolve", "packaging foam added", user)
    ctx.report.append(
        f"  breakages: {len(created)} incidents, repeated 'weld crack' on "
        f"{components[0].child_number} (hotspot)"
    )
