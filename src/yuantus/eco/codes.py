"""Error codes of the eco domain (see yuantus.core.error_codes)."""

from __future__ import annotations

from yuantus.core.error_codes import ErrorCode

ECO_NOT_FOUND = ErrorCode("eco_not_found", 404, "no ECO with that id")
ECO_STAGE_NOT_FOUND = ErrorCode("eco_stage_not_found", 404, "no ECO stage with that id")
ECO_MODIFIED = ErrorCode(
    "eco_modified",
    409,
    "the ECO changed since the caller read it (version); reload and retry",
)
ECO_CONFLICT = ErrorCode(
    "eco_conflict",
    409,
    "the product moved on since the ECO was raised; the ECO is now in conflict",
)
ECO_CLOSED = ErrorCode("eco_closed", 409, "the ECO is done or canceled")
ECO_IN_CONFLICT = ErrorCode(
    "eco_in_conflict",
    409,
    "the ECO is in conflict; cancel it and raise a new one",
)
ECO_NOT_READY = ErrorCode("eco_not_ready", 409, "the ECO cannot be applied yet; `context.missing`")
STAGE_UNCHANGED = ErrorCode("stage_unchanged", 409, "the ECO is already in that stage")
STAGE_FINAL = ErrorCode("stage_final", 409, "a final stage is reached by apply, not by a move")
APPROVALS_MISSING = ErrorCode(
    "approvals_missing",
    409,
    "a forward move needs approvals it does not have; `context.missing`",
)
NO_APPROVALS_ON_STAGE = ErrorCode(
    "no_approvals_on_stage",
    409,
    "the current stage takes no approvals",
)
ALREADY_DECIDED = ErrorCode(
    "already_decided",
    409,
    "the user already approved or rejected this stage visit",
)
NO_TARGET_REVISION = ErrorCode(
    "no_target_revision",
    409,
    "the ECO has no target revision yet; run new-revision first",
)
TARGET_EXISTS = ErrorCode("target_exists", 409, "the ECO already has a target revision")
NO_ECO_STAGE = ErrorCode("no_eco_stage", 409, "no ECO stage is configured")
ECO_STAGE_NAME_TAKEN = ErrorCode("eco_stage_name_taken", 409, "another ECO stage has that name")
ECO_TYPE_MISMATCH = ErrorCode(
    "eco_type_mismatch",
    422,
    "the ECO type does not fit the product's item type",
)
INVALID_PRIORITY = ErrorCode("invalid_priority", 422, "an unknown ECO priority; `context.allowed`")
INVALID_ECO_TYPE = ErrorCode("invalid_eco_type", 422, "an unknown ECO type; `context.allowed`")
INVALID_STAGE = ErrorCode(
    "invalid_stage",
    422,
    "the stage's approval settings contradict each other",
)
ECO_SCHEDULED = ErrorCode(
    "eco_scheduled",
    409,
    "the ECO is applied and waits for its effectivity date; it can only be canceled",
)
SWITCH_NOT_DUE = ErrorCode(
    "switch_not_due",
    409,
    "an effectivity switch job ran before the date it is due (retried by hand); the job fails",
)
TARGET_MISSING = ErrorCode(
    "target_missing",
    409,
    "the ECO has no target revision: it cannot leave its first stage or take decisions",
)
TARGET_LOCKED = ErrorCode(
    "target_locked",
    409,
    "the revision is the target of an ECO under review or approved; `context` names the ECO "
    "and stage",
)
OWNED_BY_ECO = ErrorCode(
    "owned_by_eco",
    409,
    "the revision is the target of an open ECO: only the ECO's apply moves its lifecycle; "
    "`context` names the ECO",
)
APPROVED_CONTENT_CHANGED = ErrorCode(
    "approved_content_changed",
    409,
    "the target's content digest differs from what the approvals signed; nothing was applied",
)
INVALID_ACTIVITY_TEMPLATES = ErrorCode(
    "invalid_activity_templates",
    422,
    "a stage's activity templates repeat a name, depend on an unknown template or form a cycle",
)
