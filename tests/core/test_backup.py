"""`yuantus backup`: a consistent archive taken under writes restores elsewhere, hashes checked."""

from __future__ import annotations

import hashlib
import os
import tarfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

from yuantus.core.backup import BackupError, create_backup, restore_backup
from yuantus.core.db import Database
from yuantus.core.settings import Settings
from yuantus.demo import load_demo

PG = os.environ.get("YUANTUS_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"] if PG else ["sqlite"]
_CREATED: list[str] = []


@pytest.fixture(autouse=True)
def _drop_created_databases() -> Iterator[None]:
    """The PostgreSQL databases a test made are dropped after it (the server is shared)."""
    yield
    if PG and _CREATED:
        with psycopg.connect(PG.replace("+psycopg", ""), autocommit=True) as admin:
            while _CREATED:
                admin.execute(f'DROP DATABASE IF EXISTS "{_CREATED.pop()}" WITH (FORCE)')


def _settings(backend: str, data: Path) -> tuple[Settings, str | None]:
    if backend == "sqlite":
        return Settings(data_dir=data, jwt_secret="j" * 40), None
    assert PG is not None
    name = f"yuantus_bk_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG.replace("+psycopg", ""), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    _CREATED.append(name)
    url = PG.replace("+psycopg", "").rsplit("/", 1)[0] + "/" + name
    return Settings(data_dir=data, database_url=url, jwt_secret="j" * 40), name


def _counts(settings: Settings) -> tuple[int, int, int, dict[str, str]]:
    url = settings.resolved_database_url.replace("postgresql://", "postgresql+psycopg://")
    engine = create_engine(url)
    with engine.connect() as conn:
        items = conn.execute(text("SELECT count(*) FROM meta_items")).scalar_one()
        lines = conn.execute(text("SELECT count(*) FROM meta_bom_lines")).scalar_one()
        files = conn.execute(text("SELECT count(*) FROM meta_files")).scalar_one()
    engine.dispose()
    root = settings.data_dir / "files"
    blobs = {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }
    return items, lines, files, blobs


@pytest.mark.parametrize("backend", BACKENDS)
def test_backup_under_writes_restores_elsewhere(tmp_path: Path, backend: str) -> None:
    source, _ = _settings(backend, tmp_path / "src")
    db = Database(source)
    from yuantus.core import migrate

    migrate.upgrade(db.engine)
    with db.scope() as session:
        load_demo(session, source)
    stop = threading.Event()

    def writer() -> None:
        # a writer that keeps committing while the backup runs
        engine = db.engine
        while not stop.is_set():
            with engine.begin() as conn:
                conn.execute(text("SELECT count(*) FROM meta_items"))
                conn.execute(text("UPDATE meta_items SET updated_at = updated_at"))

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        archive = tmp_path / "b.tar"
        create_backup(source, archive)
    finally:
        stop.set()
        thread.join()
    expected = _counts(source)
    db.dispose()
    target, _ = _settings(backend, tmp_path / "dst")
    restore_backup(target, archive)
    assert _counts(target) == expected
    assert expected[0] > 0
    assert expected[1] > 0
    # a second restore into the now non-empty target is refused
    with pytest.raises(BackupError, match=r"not empty|exists|has tables"):
        restore_backup(target, archive)


def test_tampered_archive_refused(tmp_path: Path) -> None:
    source, _ = _settings("sqlite", tmp_path / "src")
    db = Database(source)
    from yuantus.core import migrate

    migrate.upgrade(db.engine)
    db.dispose()
    files = source.data_dir / "files" / "ab"
    files.mkdir(parents=True)
    (files / "blob").write_bytes(b"original")
    archive = tmp_path / "b.tar"
    create_backup(source, archive)
    tampered = tmp_path / "t.tar"
    with tarfile.open(archive) as src, tarfile.open(tampered, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member)
            assert data is not None
            body = data.read()
            if member.name == "files/ab/blob":
                body = b"changed!"
            member.size = len(body)
            import io

            dst.addfile(member, io.BytesIO(body))
    target, _ = _settings("sqlite", tmp_path / "dst")
    with pytest.raises(BackupError, match="sha256 mismatch"):
        restore_backup(target, tampered)
    assert not (tmp_path / "dst" / "yuantus.db").exists()
