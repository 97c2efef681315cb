"""Demo links: the assembly drawing for the whole routing, the truing procedure for assembly."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from yuantus.item.demo import DRAWING, PROCEDURE
from yuantus.manufacturing import routing_service
from yuantus.workorder_doc import service
from yuantus.workorder_doc.schemas import LinkWrite

if TYPE_CHECKING:
    from yuantus.core.demo import DemoContext

ASSEMBLY_OPERATION = 20


def load(session: Session, ctx: DemoContext) -> None:
    """Link the demo documents to the demo routing (upserts: idempotent)."""
    routing = ctx.objects.get("routing")
    documents = ctx.objects.get("documents") or {}
    user = ctx.users.get("engineer")
    if routing is None or user is None or DRAWING not in documents:
        ctx.report.append("  work-order documents: skipped (no demo routing)")
        return
    ops = {op.operation_number: op for op in routing_service.list_operations(session, routing)}
    service.upsert_link(
        session,
        LinkWrite(routing_id=routing.id, document_item_id=documents[DRAWING].id, sequence=10),
        user,
    )
    assembly = ops.get(ASSEMBLY_OPERATION)
    if assembly is not None and PROCEDURE in documents:
        service.upsert_link(
            session,
            LinkWrite(
                routing_id=routing.id,
                operation_id=assembly.id,
                document_item_id=documents[PROCEDURE].id,
                sequence=20,
            ),
            user,
        )
    order = ctx.objects.get("workorder")
    where = f"GET /workorders/{order.id}/doc-pack" if order is not None else "the routing export"
    ctx.report.append(
        f"  work-order documents: {DRAWING} (all operations), {PROCEDURE} (op 20); {where}"
    )
