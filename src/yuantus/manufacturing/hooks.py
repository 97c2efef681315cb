"""The hook points of manufacturing: routing release and every work-order transition."""

from __future__ import annotations

from yuantus.core.hooks import HookRegistry

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
