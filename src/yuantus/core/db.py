"""Database: Base with naming convention, column types, engine and session factory."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, MetaData, String, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from yuantus.core.decimals import json_default
from yuantus.core.rollback import write_in_new_transaction
from yuantus.core.settings import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON().with_variant(JSONB(), "postgresql")

# execution option (and Session.info key) marking a read-only transaction
READ_ONLY = "yuantus_read_only"
# what a read-only transaction may run (its BEGIN and savepoints included: they write nothing)
_READ_STATEMENTS = ("SELECT", "WITH", "PRAGMA", "BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK")


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def new_id() -> str:
    """A new UUID4 primary key as a string."""
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store UTC; naive values are refused because their zone is unknown."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return timezone-aware UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONType}


class IdMixin:
    """UUID string primary key."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)


class TimestampMixin:
    """created_at / updated_at maintained by the ORM."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


# JSON columns (job payloads, events, properties) take Decimals as their canonical text, the
# same form the API answers; anything else that JSON cannot hold still fails loudly
_json_serializer = json.JSONEncoder(default=json_default).encode


def create_db_engine(settings: Settings) -> Engine:
    """An engine for the configured database, tuned per backend."""
    url = settings.resolved_database_url
    if not settings.database_url:
        # the default database lives in the data dir: the dir is ours, keep it private
        private_dir(settings.data_dir)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, settings.sqlite_busy_timeout_ms)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_pre_ping=True,
        json_serializer=_json_serializer,
        # a failed statement's message must never carry its values (password hashes, tokens)
        hide_parameters=True,
    )


def _sqlite_engine(url: str, busy_timeout_ms: int) -> Engine:
    """SQLite with WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE transactions."""
    # `sqlite://` (no path) is in memory: there is no file to protect
    path = url.split("///", 1)[1].split("?", 1)[0] if "///" in url else ""
    db_file = Path(path) if path and path != ":memory:" else None
    if db_file is not None:
        _private_db_file(db_file)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        json_serializer=_json_serializer,
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # take transaction control from pysqlite so BEGIN IMMEDIATE below is ours
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        if db_file is not None:
            # SQLite gives -wal/-shm the database's mode; fix any left by an older version
            for extra in ("-wal", "-shm"):
                _chmod_if_exists(db_file.with_name(db_file.name + extra), 0o600)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            # a reader never writes (the read engine refuses it), so a deferred BEGIN is safe:
            # under WAL it reads its snapshot and never waits for the write lock
            conn.exec_driver_sql("BEGIN")
            return
        # a deferred transaction that later writes can fail at once with SQLITE_BUSY;
        # taking the write lock up front makes concurrent writers wait their turn instead
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def private_dir(path: Path) -> None:
    """Create (or tighten) a directory of the service's own to mode 0700."""
    path.mkdir(parents=True, mode=0o700, exist_ok=True)
    path.chmod(0o700)  # mkdir's mode is masked by the umask, and an older dir may be 0755


def _private_db_file(db_file: Path) -> None:
    """Create the database file 0600 (and its dir 0700 when new): product data is private."""
    if not db_file.parent.exists():
        private_dir(db_file.parent)
    # created before SQLite opens it, so SQLite never makes it with the umask's 0644. Never
    # open (and close) an existing one: closing any descriptor of a database file drops the
    # POSIX locks every SQLite connection of this process holds on it
    with suppress(FileExistsError):
        os.close(os.open(db_file, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    db_file.chmod(0o600)


def _chmod_if_exists(path: Path, mode: int) -> None:
    """chmod a file that may not exist (yet)."""
    with suppress(FileNotFoundError):
        path.chmod(mode)


class ReadOnlyViolation(RuntimeError):
    """A read-only transaction tried to write: a programming error, not bad input."""


def read_only_engine(engine: Engine) -> Engine:
    """The engine's read-only view: deferred BEGIN on SQLite, every writing statement refused.

    A write inside a deferred SQLite transaction would have to upgrade its read snapshot
    to the write lock, which fails with SQLITE_BUSY whenever another writer committed in
    between; refusing it on every backend makes such code fail in tests, not under load.
    """
    reader = engine.execution_options(**{READ_ONLY: True})

    @event.listens_for(reader, "before_cursor_execute")
    def _refuse_writes(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        if not statement.lstrip()[:9].upper().startswith(_READ_STATEMENTS):
            raise ReadOnlyViolation(f"a read-only transaction tried to run: {statement[:80]}")

    return reader


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success; on error roll back, then run the error's writes."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException as exc:
        session.rollback()
        session.close()
        # the rolled-back transaction released its locks: the writes that must survive the
        # refusal (core/rollback.py) run in a transaction of their own
        write_in_new_transaction(factory, exc)
        raise
    finally:
        session.close()


class Database:
    """The engine and session factory of one running service."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = create_db_engine(settings)
        self.session_factory = create_session_factory(self.engine)
        self.read_engine = read_only_engine(self.engine)

    @property
    def dialect(self) -> str:
        """The backend name: sqlite or postgresql."""
        return self.engine.dialect.name

    def session(self, *, read_only: bool = False) -> Session:
        """A new session (the caller commits or rolls back); read_only: see read_only_engine."""
        if not read_only:
            return self.session_factory()
        session = self.session_factory(bind=self.read_engine)
        session.info[READ_ONLY] = True
        return session

    def scope(self) -> Any:
        """A transactional session scope."""
        return session_scope(self.session_factory)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
