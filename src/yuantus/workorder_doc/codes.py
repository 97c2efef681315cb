"""Error codes of work-order document packs (see yuantus.core.error_codes)."""

from __future__ import annotations

from yuantus.core.error_codes import ErrorCode

LINK_NOT_FOUND = ErrorCode("link_not_found", 404, "no work-order document link with that id")
OPERATION_NOT_ON_ROUTING = ErrorCode(
    "operation_not_on_routing", 422, "the operation belongs to another routing"
)
WORKORDER_HAS_NO_ROUTING = ErrorCode(
    "workorder_has_no_routing", 409, "the work order has no routing, so no document pack"
)
