"""Finding 12: the SQLite database, its WAL and shared memory are 0600, the data dir 0700."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import make_settings
from yuantus.core.db import Database


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The usual 022 umask, under which files are created 0644 unless the code says otherwise."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _open_and_write(data_dir: Path) -> Database:
    settings = make_settings(data_dir, "")
    settings.database_url = None  # the default: yuantus.db in the data dir
    db = Database(settings)
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
    return db


def test_new_data_dir_and_database_files_are_private(tmp_path: Path, loose_umask: None) -> None:
    data_dir = tmp_path / "data"
    db = _open_and_write(data_dir)
    try:
        with db.engine.connect() as conn:  # an open connection keeps -wal and -shm in place
            conn.execute(text("SELECT * FROM t")).all()
            assert _mode(data_dir) == 0o700
            for name in ("yuantus.db", "yuantus.db-wal", "yuantus.db-shm"):
                assert (data_dir / name).exists(), name
                assert _mode(data_dir / name) == 0o600, name
    finally:
        db.dispose()


def test_existing_loose_files_are_tightened(tmp_path: Path, loose_umask: None) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    (data_dir / "yuantus.db").touch(mode=0o644)
    (data_dir / "yuantus.db").chmod(0o644)
    db = _open_and_write(data_dir)
    try:
        assert _mode(data_dir) == 0o700
        assert _mode(data_dir / "yuantus.db") == 0o600
    finally:
        db.dispose()
