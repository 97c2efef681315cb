"""The hook points of manufacturing: routing release and every work-order transition."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from yuantus.core.hooks import HookRegistry
from yuantus.core.transitions import Rule

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from yuantus.manufacturing.models import Routing

# who plans and runs manufacturing: every routing and work-order action
WRITER_ROLES = ("engineer", "production")

# routing action -> from states, to state, roles
ROUTING_TRANSITIONS: dict[str, Rule] = {
    "release": Rule(("draft",), "released", WRITER_ROLES),
}

# work-order action (hook point workorder.<action>) -> from states, to state, roles
WORKORDER_TRANSITIONS: dict[str, Rule] = {
    "release": Rule(("draft",), "released", WRITER_ROLES),
    "start": Rule(("released",), "in_progress", WRITER_ROLES),
    "complete": Rule(("in_progress",), "done", WRITER_ROLES),
    "cancel": Rule(("draft", "released"), "canceled", WRITER_ROLES),
}

routing_hooks = HookRegistry("routing", [f"routing.{a}" for a in ROUTING_TRANSITIONS])
workorder_hooks = HookRegistry("workorder", [f"workorder.{a}" for a in WORKORDER_TRANSITIONS])

# what else a new routing version copies: (session, old, new, old operation id -> new id);
# capability packages register here (work-order document links)
RoutingCopier = Callable[["Session", "Routing", "Routing", dict[str, str]], None]
routing_copiers: dict[str, RoutingCopier] = {}
