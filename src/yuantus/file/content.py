"""Content lifetime: a per-content lock, and removal of new content whose upload did not commit.

Content is shared by every file with the same sha256, so a transaction that created it may
only remove it when no committed file uses it. Whoever places content or removes it holds the
content's lock: placing keeps it until its transaction ends, so a remover that gets the lock
sees the placer's file row (committed) or no placer at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, event, select, text
from sqlalchemy.orm import Session, SessionTransaction

from yuantus.file.models import FileObject
from yuantus.file.storage import Storage, StoredBlob

log = logging.getLogger("yuantus.file")

_CREATED = "yuantus_created_content"
_UNCOMMITTED = "yuantus_uncommitted_content"
_COMMITTING = "yuantus_committing_transaction"


@dataclass(frozen=True)
class _Created:
    """Content one transaction (or savepoint) placed in storage itself."""

    transaction: SessionTransaction
    engine: Engine
    storage: Storage
    key: str
    sha256: str


def lock_content(session: Session, key: str) -> None:
    """Hold the content's lock until the session's transaction ends."""
    # session.connection() begins the transaction: on SQLite that is BEGIN IMMEDIATE, whose
    # database-wide write lock already serializes every writer, the removers included
    lock_key(session.connection(), key)


def lock_key(connection: Connection, key: str) -> None:
    """Hold the content's lock for the connection's transaction (SQLite: its write lock serves)."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(CAST(:key AS text), 0))"),
            {"key": key},
        )


def remember_created(session: Session, storage: Storage, blob: StoredBlob) -> None:
    """Note content this transaction created, to remove it again unless the transaction commits."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    assert transaction is not None, "lock_content() began the transaction"
    engine = session.connection().engine
    created = _Created(transaction, engine, storage, blob.key, blob.sha256)
    session.info.setdefault(_CREATED, []).append(created)


def _within(transaction: SessionTransaction | None, scope: SessionTransaction) -> bool:
    while transaction is not None and transaction is not scope:
        transaction = transaction.parent
    return transaction is not None


@event.listens_for(Session, "after_commit")
def _committing(session: Session) -> None:
    # fires for a root commit or a savepoint release, just before that transaction's end event
    session.info[_COMMITTING] = session.get_nested_transaction() or session.get_transaction()


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    committed = session.info.pop(_COMMITTING, None) is transaction
    created: list[_Created] = session.info.get(_CREATED, [])
    if not committed and created:
        # a rolled back savepoint's content: decided when the root ends, when no lock of ours
        # (held on this session's connection) can block the remover on another connection
        session.info.setdefault(_UNCOMMITTED, []).extend(
            c for c in created if _within(c.transaction, transaction)
        )
        session.info[_CREATED] = [c for c in created if not _within(c.transaction, transaction)]
    if transaction.parent is None:
        session.info.pop(_CREATED, None)  # what is left committed with the root
        for candidate in session.info.pop(_UNCOMMITTED, []):
            _remove_if_unused(candidate)


def _remove_if_unused(candidate: _Created) -> None:
    """In a short transaction of its own, delete content no file row references."""
    try:
        with candidate.engine.begin() as connection:
            lock_key(connection, candidate.key)
            used = connection.scalar(
                select(FileObject.id)
                .where(FileObject.sha256 == candidate.sha256)
                .where(FileObject.storage_key == candidate.key)
                .limit(1)
            )
            if used is None:
                candidate.storage.delete(candidate.key)
    except Exception:
        # an orphan only wastes space; failing the caller's commit or rollback would be worse
        log.exception("could not remove unused content %s", candidate.key)
