"""The hook points of manufacturing: routing release and every work-order transition."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from yuantus.core.hooks import HookRegistry

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from yuantus.manufacturing.models import Routing

# work-order status moved to -> the action (and hook point workorder.<action>) that does it
WORKORDER_ACTIONS: dict[str, str] = {
    "released": "release",
    "in_progress": "start",
    "done": "complete",
    "canceled": "cancel",
}

routing_hooks = HookRegistry("routing", ["routing.release"])
workorder_hooks = HookRegistry(
    "workorder", [f"workorder.{action}" for action in WORKORDER_ACTIONS.values()]
)

# what else a new routing version copies: (session, old, new, old operation id -> new id);
# capability packages register here (work-order document links)
RoutingCopier = Callable[["Session", "Routing", "Routing", dict[str, str]], None]
routing_copiers: dict[str, RoutingCopier] = {}
