"""The one domain error hierarchy; each class carries its HTTP status."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Self

from yuantus.core import error_codes as ec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# a write that must persist although the failed transaction rolls back (core/rollback.py)
AfterRollbackWrite = Callable[["Session"], object]


class YuantusError(Exception):
    """A domain error rendered as {"detail": {"code", "message", "context"}}.

    Pass a catalogue constant as `code` (yuantus.core.error_codes, yuantus.<domain>.codes);
    the plain defaults of the base classes are not in the catalogue on purpose.
    """

    status_code = 400
    default_code = "error"

    def __init__(
        self, message: str, *, code: str | None = None, context: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code or self.default_code
        self.message = message
        self.context = context or {}
        self.after_rollback: list[AfterRollbackWrite] = []

    def persist_after_rollback(self, write: AfterRollbackWrite) -> Self:
        """Have the transaction boundary run `write(session)` in a new transaction after rollback.

        The write must use only plain values (ids, names): objects loaded in the rolled-back
        transaction are expired. It runs once, at the first boundary the error reaches.
        """
        self.after_rollback.append(write)
        return self

    def to_body(self) -> dict[str, Any]:
        """The structured error body."""
        return {"detail": {"code": self.code, "message": self.message, "context": self.context}}


class BadRequest(YuantusError):
    """The request is malformed in a way schema validation cannot see."""

    status_code = 400
    default_code = "bad_request"


class Unauthorized(YuantusError):
    """Missing, malformed, expired or revoked credentials."""

    status_code = 401
    default_code = ec.NOT_AUTHENTICATED


class PermissionDenied(YuantusError):
    """The user lacks a role the action needs."""

    status_code = 403
    default_code = ec.PERMISSION_DENIED


class NotFound(YuantusError):
    """The referenced object does not exist."""

    status_code = 404
    default_code = "not_found"


class Conflict(YuantusError):
    """The request conflicts with existing data (duplicates, races)."""

    status_code = 409
    default_code = "conflict"


class InvalidState(YuantusError):
    """The object's state does not allow the action."""

    status_code = 409
    default_code = "invalid_state"


class PayloadTooLarge(YuantusError):
    """An upload is over the configured size limit."""

    status_code = 413
    default_code = ec.PAYLOAD_TOO_LARGE


class Unprocessable(YuantusError):
    """Well-formed input that breaks a domain rule."""

    status_code = 422
    default_code = "unprocessable"


class TooManyRequests(YuantusError):
    """Too many attempts: retry after `retry_after` seconds (sent as Retry-After)."""

    status_code = 429
    default_code = "too_many_requests"

    def __init__(
        self,
        message: str,
        *,
        retry_after: int,
        code: str | None = None,
        context: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, code=code, context=context)
        self.retry_after = max(1, retry_after)


class ServiceUnavailable(YuantusError):
    """A dependency (database, remote) cannot be reached."""

    status_code = 503
    default_code = "service_unavailable"


def not_found(kind: str, object_id: object) -> NotFound:
    """A NotFound for an object of a kind, e.g. not_found("item", id)."""
    return NotFound(
        f"{kind} {object_id} not found",
        code=f"{kind}_not_found",
        context={"kind": kind, "id": str(object_id)},
    )


def invalid_filter(name: str, allowed: Iterable[str]) -> Unprocessable:
    """422 invalid_filter: a list filter's value is not one of `allowed`."""
    choices = list(allowed)
    return Unprocessable(
        f"unknown {name} filter value; allowed: {', '.join(choices)}",
        code=ec.INVALID_FILTER,
        context={"filter": name, "allowed": choices},
    )
