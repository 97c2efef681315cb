"""Error codes of the audit domain (see yuantus.core.error_codes)."""

from __future__ import annotations

from yuantus.core.error_codes import ErrorCode

AUDIT_EVENT_NOT_FOUND = ErrorCode("audit_event_not_found", 404, "no audit event with that id")
