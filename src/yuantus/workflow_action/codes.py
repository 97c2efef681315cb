"""Error codes of workflow custom actions (see yuantus.core.error_codes)."""

from __future__ import annotations

from yuantus.core.error_codes import ErrorCode

RULE_NOT_FOUND = ErrorCode("rule_not_found", 404, "no custom action rule with that id")
INVALID_ACTION_PARAMS = ErrorCode(
    "invalid_action_params",
    422,
    "the action's parameters do not fit its type; `context.field` names the bad one",
)
CUSTOM_ACTION_BLOCKED = ErrorCode(
    "custom_action_blocked",
    409,
    "a `block` custom action failed: the transition and every earlier action were undone; "
    "`context.rule`, `context.result_code`, `context.error`",
)
ACTION_FAILED = ErrorCode(
    "custom_action_failed", 409, "the action could not do its work on this object"
)
