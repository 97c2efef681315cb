"""The `sort` allow-list of the audit list."""

from typing import Annotated

from yuantus.audit.models import AuditEvent
from yuantus.core.sorting import SortOrder, sort_dependency

AUDIT_COLUMNS = {
    "created_at": AuditEvent.created_at,
    "action": AuditEvent.action,
    "object_type": AuditEvent.object_type,
    "actor_name": AuditEvent.actor_name,
}
# newest first, and the higher id first among rows of the same microsecond (as before sort)
AuditSort = Annotated[
    SortOrder,
    sort_dependency(
        AUDIT_COLUMNS, default="-created_at", tiebreak=AuditEvent.id, tiebreak_descending=True
    ),
]
