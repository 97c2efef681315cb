"""GET /ops/summary: the operations overview, for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from yuantus.core.deps import DatabaseDep
from yuantus.core.http import TransactionalRoute
from yuantus.identity.deps import require_role
from yuantus.ops import service
from yuantus.ops.config import OpsSettings
from yuantus.ops.schemas import OpsSummary

router = APIRouter(route_class=TransactionalRoute, tags=["operations"])
AdminUser = Annotated[object, Depends(require_role("admin"))]


@router.get("/ops/summary", response_model=OpsSummary)
def ops_summary(
    db: DatabaseDep,
    _admin: AdminUser,
    window_days: Annotated[int, Query(ge=1, le=366, description="days back from now")] = 7,
) -> OpsSummary:
    """Per capability over the window: the numbers an operator watches, and alerts (admin)."""
    return service.summary(
        lambda: db.session(read_only=True), window_days, OpsSettings().thresholds
    )
