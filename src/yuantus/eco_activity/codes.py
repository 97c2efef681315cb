"""Error codes of the eco_activity domain (see yuantus.core.error_codes)."""

from __future__ import annotations

from yuantus.core import error_codes as ec
from yuantus.core.error_codes import ErrorCode

ACTIVITY_NOT_FOUND = ErrorCode("activity_not_found", 404, "no ECO activity with that id")
# the shared code: the object's state does not allow that move (`context.allowed`)
INVALID_TRANSITION = ec.INVALID_TRANSITION
ACTIVITY_CYCLE = ErrorCode(
    "activity_cycle",
    409,
    "the dependencies would form a cycle; `context.path` is the cycle, first id repeated last",
)
ACTIVITY_BLOCKED = ErrorCode(
    "activity_blocked",
    409,
    "the activity cannot complete while a dependency is not completed; `context.dependencies`",
)
ACTIVITY_CLOSED = ErrorCode(
    "activity_closed", 409, "the activity is completed or canceled and cannot change"
)
ACTIVITY_FORBIDDEN = ErrorCode(
    "activity_forbidden",
    403,
    "only the assignee, a holder of the assignee role, an engineer or an admin moves an activity",
)
INVALID_DEPENDENCY = ErrorCode(
    "invalid_dependency",
    422,
    "a dependency does not exist or belongs to another ECO; `context.missing`/`other_eco`",
)
ECO_BLOCKED = ErrorCode(
    "eco_blocked",
    409,
    "blocking activities are open: the ECO cannot move forward or be applied; `context.blockers`",
)
ASSIGNEE_NOT_FOUND = ErrorCode("assignee_not_found", 422, "no active user with that assignee_id")
