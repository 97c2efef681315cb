"""Helpers shared by the manufacturing services."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yuantus.core.errors import YuantusError


def flush_or_conflict(session: Session, error: YuantusError) -> None:
    """Flush in a savepoint; a unique violation (a racing writer won) becomes the error."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise error from exc
