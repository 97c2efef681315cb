"""Error codes of the manufacturing domain (see yuantus.core.error_codes)."""

from __future__ import annotations

from yuantus.core.error_codes import ErrorCode

WORKCENTER_NOT_FOUND = ErrorCode("workcenter_not_found", 404, "no work center with that id")
ROUTING_NOT_FOUND = ErrorCode("routing_not_found", 404, "no routing with that id")
OPERATION_NOT_FOUND = ErrorCode("operation_not_found", 404, "no operation with that id")
WORKORDER_NOT_FOUND = ErrorCode("workorder_not_found", 404, "no work order with that id")
WORKCENTER_CODE_TAKEN = ErrorCode("workcenter_code_taken", 409, "another work center has that code")
WORKCENTER_INACTIVE = ErrorCode("workcenter_inactive", 409, "the work center is inactive")
ROUTING_CODE_TAKEN = ErrorCode("routing_code_taken", 409, "another routing has that code")
PRIMARY_ROUTING_EXISTS = ErrorCode(
    "primary_routing_exists",
    409,
    "the product already has a primary routing",
)
ROUTING_CONFLICT = ErrorCode(
    "routing_conflict",
    409,
    "the routing code or the primary routing was taken at the same time",
)
ROUTING_NOT_EDITABLE = ErrorCode("routing_not_editable", 409, "only a draft routing can be edited")
ROUTING_IS_DRAFT = ErrorCode(
    "routing_is_draft",
    409,
    "a draft routing is edited in place; new versions start from released ones",
)
ROUTING_DRAFT_EXISTS = ErrorCode(
    "routing_draft_exists",
    409,
    "the routing already has a draft version",
)
ROUTING_VERSION_TAKEN = ErrorCode(
    "routing_version_taken",
    409,
    "that routing version was created at the same time",
)
ROUTING_OBSOLETE = ErrorCode("routing_obsolete", 409, "the routing is obsolete")
ROUTING_MISSING = ErrorCode(
    "routing_missing",
    409,
    "the work order has no routing and the product has no primary routing",
)
ROUTING_NOT_RELEASED = ErrorCode(
    "routing_not_released",
    409,
    "the work order's routing is not released",
)
ROUTING_HAS_NO_OPERATIONS = ErrorCode(
    "routing_has_no_operations",
    409,
    "the work order's routing has no operations",
)
OPERATION_NUMBER_TAKEN = ErrorCode(
    "operation_number_taken",
    409,
    "the routing already has an operation with that number",
)
WORKORDER_NUMBER_TAKEN = ErrorCode(
    "workorder_number_taken",
    409,
    "another work order has that number",
)
PRODUCT_NOT_PART = ErrorCode("product_not_part", 422, "only Parts are manufactured")
ROUTING_PRODUCT_MISMATCH = ErrorCode(
    "routing_product_mismatch",
    422,
    "the routing belongs to another product",
)
MATERIALS_SNAPSHOT = ErrorCode(
    "materials_snapshot",
    409,
    "the order's materials were stored at release; a revision rule applies to a draft's live view",
)
