"""Error codes of the breakage domain (see yuantus.core.error_codes)."""

from __future__ import annotations

from yuantus.core.error_codes import ErrorCode

BREAKAGE_NOT_FOUND = ErrorCode("breakage_not_found", 404, "no breakage incident with that id")
COMPONENT_NOT_IN_BOM = ErrorCode(
    "component_not_in_bom",
    422,
    "the component is not in the product revision's BOM under its revision rule; "
    "`context.product_number`, `context.component_number`",
)
WORKORDER_PRODUCT_MISMATCH = ErrorCode(
    "workorder_product_mismatch",
    422,
    "the work order builds another product; `context.workorder_product_number`",
)
REASON_REQUIRED = ErrorCode("reason_required", 422, "reopening an incident needs a reason")
HELPDESK_UNAVAILABLE = ErrorCode(
    "helpdesk_unavailable", 502, "the helpdesk did not answer or answered 5xx/429; retried"
)
HELPDESK_REFUSED = ErrorCode(
    "helpdesk_refused", 502, "the helpdesk refused the incident (4xx) or answered no ticket id"
)
