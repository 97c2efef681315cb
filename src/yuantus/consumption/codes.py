"""Error codes of the consumption domain (see yuantus.core.error_codes)."""

from __future__ import annotations

from yuantus.core.error_codes import ErrorCode

PLAN_NOT_FOUND = ErrorCode("plan_not_found", 404, "no consumption plan with that id")
TEMPLATE_NOT_FOUND = ErrorCode("template_not_found", 404, "no plan version with that template key")
UNKNOWN_UOM = ErrorCode("unknown_uom", 422, "the unit of measure is not known; `context.known`")
UOM_MISMATCH = ErrorCode(
    "uom_mismatch",
    422,
    "the quantity's unit measures another dimension than the plan's (kg vs m); "
    "`context.uom`, `context.plan_uom`",
)
INVALID_PERIOD = ErrorCode(
    "invalid_period", 422, "period_end is before period_start, or the period spans over 3660 days"
)
INVALID_THRESHOLDS = ErrorCode(
    "invalid_thresholds", 422, "the under threshold must be below the over threshold"
)
CORRECTION_REQUIRED = ErrorCode(
    "correction_required",
    422,
    "a negative or zero quantity must be a correction referencing the record it corrects",
)
CORRECTION_NOT_FOUND = ErrorCode(
    "correction_not_found", 422, "the corrected record is not a record of this plan"
)
PLAN_NOT_ACTIVE = ErrorCode(
    "plan_not_active", 409, "actuals are recorded on active plans only; `context.state`"
)
PLAN_CLOSED = ErrorCode("plan_closed", 409, "a closed plan cannot be changed")
TEMPLATE_ACTIVE_TAKEN = ErrorCode(
    "template_active_taken",
    409,
    "another version of the template was activated at the same time; retry",
)
TEMPLATE_VERSION_TAKEN = ErrorCode(
    "template_version_taken", 409, "that template version was created at the same time; retry"
)
WORKORDER_CANCELED = ErrorCode("workorder_canceled", 409, "a canceled work order consumes nothing")
WORKORDER_NOT_RELEASED = ErrorCode(
    "workorder_not_released", 409, "a draft work order has not been released to consume"
)
