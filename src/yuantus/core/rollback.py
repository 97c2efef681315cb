"""Writes that survive a rollback: records an error carries into a fresh transaction.

A refused request usually leaves the database unchanged, but some refusals must leave a
trace: a refused ECO apply puts the ECO in `conflict`, a blocking custom action keeps its
failed run row, a refused login leaves an audit row. The code that refuses attaches those
writes to its error (`YuantusError.persist_after_rollback`); each transaction boundary
(TransactionalRoute, session_scope, the job worker) rolls back, then runs them here, then
re-raises the original error. A write that fails is logged and never replaces the error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.orm import Session

from yuantus.core.context import request_id_var
from yuantus.core.errors import AfterRollbackWrite, YuantusError

log = logging.getLogger("yuantus.rollback")


def take_writes(exc: BaseException) -> list[AfterRollbackWrite]:
    """The writes an error carries, handed over once: the error's list is emptied."""
    if not isinstance(exc, YuantusError) or not exc.after_rollback:
        return []
    writes, exc.after_rollback = exc.after_rollback, []
    return writes


def write_in_new_transaction(
    new_session: Callable[[], Session], exc: BaseException, *, where: str = ""
) -> None:
    """Run the error's writes in a new transaction and commit; log (never raise) a failure."""
    writes = take_writes(exc)
    if not writes:
        return
    session = new_session()
    try:
        for write in writes:
            write(session)
        session.commit()
    except Exception:
        session.rollback()
        _log_failure(exc, where)
    finally:
        session.close()


def write_in_savepoint(session: Session, exc: BaseException, *, where: str = "") -> None:
    """Run the error's writes in a savepoint of the session's open transaction; log a failure.

    For a caller that rolled back the failed work (or its savepoint) and carries on in the
    same transaction: the job worker records the failure there, and the writes commit with it.
    """
    writes = take_writes(exc)
    if not writes:
        return
    try:
        with session.begin_nested():
            for write in writes:
                write(session)
            session.flush()
    except Exception:
        _log_failure(exc, where)


def _log_failure(exc: BaseException, where: str) -> None:
    # the caller answers the original error; what was lost must still be visible to operators
    log.exception(
        "after-rollback write of %s %r failed (request_id=%s%s)",
        type(exc).__name__,
        getattr(exc, "code", ""),
        request_id_var.get(),
        f", {where}" if where else "",
    )
