"""Alembic environment: runs migrations through the engine handed over in the config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import yuantus.models  # noqa: F401 - registers every table on Base.metadata
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
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
