"""Row helpers every service repeats: fetch-or-404 and flush-or-conflict."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yuantus.core.error_codes import ErrorCode
from yuantus.core.errors import NotFound

T = TypeVar("T")

_SUFFIX = "_not_found"


def get_or_404(
    session: Session, model: type[T], object_id: str, code: ErrorCode, **options: Any
) -> T:
    """The row of `model` with this primary key; else 404 with `code` (e.g. ITEM_NOT_FOUND).

    The answer is the one `errors.not_found(kind, id)` gives: same message and context, the
    kind being the code without `_not_found`. `options` go to Session.get (e.g.
    populate_existing=True).
    """
    row = session.get(model, object_id, **options)
    if row is None:
        if not code.endswith(_SUFFIX):
            raise ValueError(f"{code!r} is not a <kind>_not_found code")
        kind = code.removesuffix(_SUFFIX)
        raise NotFound(
            f"{kind} {object_id} not found", code=code, context={"kind": kind, "id": str(object_id)}
        )
    return row


def flush_or_conflict(session: Session, error: Exception) -> None:
    """Flush in a savepoint; a unique violation (a racing writer won) becomes the error."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise error from exc
