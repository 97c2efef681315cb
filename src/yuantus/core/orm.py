"""Row helpers every service repeats: fetch-or-404 and flush-or-conflict."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yuantus.core.errors import not_found

T = TypeVar("T")

_CAMEL_BOUNDARY = re.compile(r"(?<!^)(?=[A-Z])")


def kind_of(model: type[Any]) -> str:
    """The snake_case kind of a model class (BomLine -> bom_line), as error codes name it."""
    return _CAMEL_BOUNDARY.sub("_", model.__name__).lower()


def get_or_404(
    session: Session, model: type[T], object_id: str, *, kind: str | None = None, **options: Any
) -> T:
    """The row of `model` with this primary key; 404 `<kind>_not_found` when there is none.

    `kind` defaults to the class name in snake_case; `options` go to Session.get
    (e.g. populate_existing=True, with_for_update=True).
    """
    row = session.get(model, object_id, **options)
    if row is None:
        raise not_found(kind or kind_of(model), object_id)
    return row


def flush_or_conflict(session: Session, error: Exception) -> None:
    """Flush in a savepoint; a unique violation (a racing writer won) becomes the error."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise error from exc
