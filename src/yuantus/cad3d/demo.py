"""Demo overlay: the bicycle drawing's GLB read, its nodes mapped to the demo parts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from yuantus.cad3d import extract, service
from yuantus.cad3d.schemas import ComponentWrite, OverlayWrite
from yuantus.core.errors import YuantusError
from yuantus.item.demo import DRAWING

if TYPE_CHECKING:
    from yuantus.core.demo import DemoContext


def load(session: Session, ctx: DemoContext) -> None:
    """Extract the drawing's model into an overlay for engineering and production, once."""
    drawing = (ctx.objects.get("documents") or {}).get(DRAWING)
    engineer = ctx.users.get("engineer")
    if drawing is None or engineer is None or ctx.settings is None:
        ctx.report.append("  3D overlay: skipped (no demo drawing)")
        return
    if service.overlay_exists(session, drawing.id):
        ctx.report.append(f"  3D overlay: {drawing.item_number} (exists)")
        return
    from yuantus.file.storage import get_storage

    try:
        _file, matched, unmatched = extract.extract(session, get_storage(ctx.settings), drawing.id)
    except YuantusError as exc:
        ctx.report.append(f"  3D overlay: skipped ({exc.message})")
        return
    body = OverlayWrite(
        document_item_id=drawing.id,
        version_label="as designed",
        visibility_roles=["engineer", "production", "quality"],
        components=[
            ComponentWrite(
                component_ref=node.component_ref,
                item_id=service.current_id(session, node.item_config_id or ""),
                label=node.node_name,
            )
            for node in matched
        ],
    )
    service.upsert(session, body, engineer)
    ctx.report.append(
        f"  3D overlay: {drawing.item_number}, {len(matched)} nodes mapped, "
        f"{len(unmatched)} unmapped (visible to engineer, production, quality)"
    )
