"""Errors of the ECO flow that carry more than a code."""

from __future__ import annotations

from typing import Any

from yuantus.core.errors import Conflict
from yuantus.eco import codes


class EcoConflictError(Conflict):
    """409 eco_conflict: the product moved on since the ECO was raised.

    The ECO must end in state `conflict` although the transaction rolls back, so the error
    names the ECO and user and carries the write that records it (core/rollback.py).
    """

    default_code = codes.ECO_CONFLICT

    def __init__(
        self, message: str, *, eco_id: str, user_id: str | None, context: dict[str, Any]
    ) -> None:
        super().__init__(message, context=context)
        self.eco_id = eco_id
        self.user_id = user_id


def eco_modified(eco_id: str, expected: int | None, current: int | None) -> Conflict:
    """409 eco_modified: someone else changed the ECO since the caller read it."""
    return Conflict(
        "the ECO was changed by someone else; reload it and retry",
        code=codes.ECO_MODIFIED,
        context={"eco_id": eco_id, "expected_version": expected, "current_version": current},
    )


def target_missing(eco_id: str, what: str) -> Conflict:
    """409 target_missing: the ECO has no target revision yet (run new-revision first)."""
    return Conflict(
        f"the ECO has no target revision; run new-revision before you {what}",
        code=codes.TARGET_MISSING,
        context={"eco_id": eco_id},
    )
