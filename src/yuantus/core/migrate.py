"""Alembic entry points: upgrade, current, and the config pointing at our migrations."""

from __future__ import annotations

import io
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

_PACKAGE_DIR = Path(__file__).resolve().parents[1]


def migrations_dir() -> Path:
    """The migrations folder: inside the installed wheel, or at the source tree's root."""
    for candidate in (_PACKAGE_DIR / "migrations", _PACKAGE_DIR.parents[1] / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise RuntimeError("migrations folder not found; is yuantus installed correctly?")


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that migrates through the given engine."""
    cfg = Config(stdout=io.StringIO())
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["engine"] = engine
    return cfg


# schema objects the migrations create outside the models: the item search index (PostgreSQL)
# and the FTS5 table, its shadow tables and its rowid map (SQLite), see migration 0018
_UNMODELLED_PREFIXES = ("meta_items_fts", "ix_meta_items_search_trgm")


def include_object(
    _obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Autogenerate's filter: leave the objects only the migrations know alone."""
    unmodelled = reflected and compare_to is None and type_ in ("table", "index")
    return not (unmodelled and name is not None and name.startswith(_UNMODELLED_PREFIXES))


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to a revision (default: the newest)."""
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has none."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    """The newest revision the code ships."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
