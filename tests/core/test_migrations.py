"""The migrations build exactly the schema the models describe."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from tests.conftest import make_settings
from yuantus.core import migrate
from yuantus.core.db import Base, Database


def test_autogenerate_finds_no_difference(database: Database) -> None:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": migrate.include_object})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_database_is_at_head(database: Database) -> None:
    assert migrate.current_revision(database.engine) == migrate.head_revision(database.engine)


def test_downgrade_to_base_and_back(backend_url: str, tmp_path: Path) -> None:
    """Every migration can be undone and redone on a fresh database."""
    from alembic import command

    with _fresh_database(backend_url, tmp_path) as url:
        db = Database(make_settings(tmp_path / "data", url))
        try:
            migrate.upgrade(db.engine)
            command.downgrade(migrate.alembic_config(db.engine), "base")
            assert migrate.current_revision(db.engine) is None
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            migrate.upgrade(db.engine)
            assert migrate.current_revision(db.engine) == migrate.head_revision(db.engine)
        finally:
            db.dispose()


@contextmanager
def _fresh_database(backend_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database on the backend under test, dropped afterwards."""
    if backend_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    url = make_url(backend_url)
    name = f"{url.database}_fresh"
    admin_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
