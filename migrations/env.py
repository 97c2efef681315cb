"""Alembic environment: runs migrations through the engine handed over in the config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine

import yuantus.models  # noqa: F401 - registers every table on Base.metadata
from yuantus.core import migrate
from yuantus.core.db import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Migrate inside one transaction on the given engine."""
    engine: Engine | None = context.config.attributes.get("engine")
    if engine is None:
        from yuantus.core.db import create_db_engine
        from yuantus.core.settings import Settings

        engine = create_db_engine(Settings())
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a column by copying its table and dropping the old one, which
            # fails (or would cascade) while other tables reference it; the pragma only takes
            # effect outside a transaction, so it goes to the raw connection before any BEGIN
            _sqlite_foreign_keys(connection, on=False)
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
                compare_type=True,
                include_object=migrate.include_object,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _check_foreign_keys(connection)
            connection.commit()
        finally:
            if sqlite:
                connection.rollback()
                _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    """Switch SQLite foreign key enforcement on this connection (outside any transaction)."""
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None
    dbapi.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_foreign_keys(connection: Connection) -> None:
    """Refuse to commit a migration that left rows pointing at missing parents."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")


run_migrations_online()
