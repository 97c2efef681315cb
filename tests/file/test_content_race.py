"""Concurrent uploads of identical content: a rollback never removes content another file uses."""

from __future__ import annotations

import hashlib
import io
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from sqlalchemy import text

from tests.file.conftest import stored_blobs
from yuantus.core.db import Database
from yuantus.core.settings import Settings
from yuantus.file import service
from yuantus.file.models import FileObject
from yuantus.file.storage import LocalStorage, StagedBlob, Storage, key_for

WAIT = 30


class PausingStorage(LocalStorage):
    """Local storage that stops between hashing an upload and placing it."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.staged = threading.Event()
        self.go = threading.Event()

    @contextmanager
    def stage(self, data: bytes | IO[bytes], max_bytes: int | None = None) -> Iterator[StagedBlob]:
        """Hash as usual, then wait for the test's go before the caller locks and places."""
        with super().stage(data, max_bytes) as staged:
            self.staged.set()
            assert self.go.wait(WAIT)
            yield staged


class PausingPlace(LocalStorage):
    """Local storage whose placing stops once it has decided whether the content is new."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.placed = threading.Event()
        self.go = threading.Event()

    @contextmanager
    def stage(self, data: bytes | IO[bytes], max_bytes: int | None = None) -> Iterator[StagedBlob]:
        """Stage as usual; placing pauses for the test's go after its decision."""
        with super().stage(data, max_bytes) as staged:

            def place() -> bool:
                created = staged.place().created
                self.placed.set()
                assert self.go.wait(WAIT)
                return created

            yield StagedBlob(staged.key, staged.sha256, staged.size, place)


class SignallingStream(io.BytesIO):
    """A stream that signals when it has been read to the end."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.drained = threading.Event()

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        if not chunk:
            self.drained.set()
        return chunk


def _upload_and_commit(database: Database, storage: Storage, data: bytes | IO[bytes]) -> str:
    with database.session() as session:
        file_obj = service.store_bytes(session, storage, "b.bin", None, data, None)
        session.commit()
        return file_obj.id


def _assert_downloadable(database: Database, storage: Storage, file_id: str, data: bytes) -> None:
    with database.session() as session:
        file_obj = service.get_file(session, file_id)
        read = service.open_content(storage, file_obj).read()
    assert hashlib.sha256(read).hexdigest() == file_obj.sha256 == hashlib.sha256(data).hexdigest()
    assert read == data


def _wait_for_lock_waiter(database: Database) -> None:
    """PostgreSQL: until some session waits on an advisory lock; SQLite: a short pause."""
    if database.dialect != "postgresql":
        # the waiter blocks on the write lock, which is not observable; either order is correct
        time.sleep(0.2)
        return
    deadline = time.monotonic() + WAIT
    with database.engine.connect() as conn:
        query = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        while not conn.scalar(query):
            assert time.monotonic() < deadline, "the second upload never waited for the lock"
            time.sleep(0.01)
            conn.rollback()


def test_creator_rollback_keeps_content_a_concurrent_upload_recorded(
    database: Database, settings: Settings
) -> None:
    storage = LocalStorage(settings.data_dir / "files")
    data = os.urandom(200_000)
    stream = SignallingStream(data)
    # the session closes before the pool joins, so a failing test cannot leave a thread blocked
    with ThreadPoolExecutor(1) as pool, database.session() as creator:
        created = service.store_bytes(creator, storage, "a.bin", None, data, None)
        assert storage.exists(created.storage_key)
        second = pool.submit(_upload_and_commit, database, storage, stream)
        assert stream.drained.wait(WAIT)
        # the second upload has hashed the same content and now waits for the creator's lock
        _wait_for_lock_waiter(database)
        assert not second.done()
        creator.rollback()
        file_id = second.result(timeout=WAIT)
    _assert_downloadable(database, storage, file_id, data)
    with database.session() as session:
        assert session.query(FileObject).count() == 1


def test_content_removed_after_hashing_is_placed_again(
    database: Database, settings: Settings
) -> None:
    # the window of the old design: the second upload saw the content stored, then the
    # creator's rollback removed it before the second upload recorded its file
    root = settings.data_dir / "files"
    pausing = PausingStorage(root)
    data = os.urandom(100_000)
    with ThreadPoolExecutor(1) as pool, database.session() as creator:
        created = service.store_bytes(creator, LocalStorage(root), "a.bin", None, data, None)
        second = pool.submit(_upload_and_commit, database, pausing, data)
        assert pausing.staged.wait(WAIT)
        assert pausing.exists(created.storage_key)
        creator.rollback()
        assert not pausing.exists(created.storage_key)
        pausing.go.set()
        file_id = second.result(timeout=WAIT)
    _assert_downloadable(database, pausing, file_id, data)
    assert len(stored_blobs(root)) == 1


def test_rollback_of_the_non_creator_keeps_the_creators_content(
    database: Database, settings: Settings
) -> None:
    storage = LocalStorage(settings.data_dir / "files")
    data = os.urandom(10_000)
    with database.session() as creator:
        kept = service.store_bytes(creator, storage, "a.bin", None, data, None)
        creator.commit()
    with database.session() as other:
        service.store_bytes(other, storage, "b.bin", None, data, None)
        other.rollback()
    _assert_downloadable(database, storage, kept.id, data)


def test_concurrent_failed_uploads_of_new_content_leave_nothing(
    database: Database, settings: Settings
) -> None:
    root = settings.data_dir / "files"
    storage = LocalStorage(root)
    data = os.urandom(10_000)

    def fail() -> None:
        with database.session() as session:
            service.store_bytes(session, storage, "a.bin", None, data, None)
            session.rollback()

    with ThreadPoolExecutor(4) as pool:
        for future in [pool.submit(fail) for _ in range(4)]:
            future.result(timeout=WAIT)
    assert stored_blobs(root) == []


def test_removal_waits_for_an_uncommitted_upload_of_the_same_content(
    database: Database, settings: Settings
) -> None:
    storage = LocalStorage(settings.data_dir / "files")
    data = os.urandom(10_000)
    pausing = PausingPlace(settings.data_dir / "files")
    with ThreadPoolExecutor(2) as pool, database.session() as creator:
        savepoint = creator.begin_nested()
        service.store_bytes(creator, storage, "a.bin", None, data, None)
        savepoint.rollback()
        # the vetoed content is removed when the creator's root transaction ends, unless used
        upload = pool.submit(_upload_and_commit, database, pausing, data)
        if database.dialect == "postgresql":
            # the savepoint's rollback released its lock: the second upload finds the content
            # stored, and holds the content's lock from that decision until it commits
            assert pausing.placed.wait(WAIT)
        ending = pool.submit(creator.commit)
        _wait_for_lock_waiter(database)
        if database.dialect == "postgresql":
            # the creator's cleanup waits for that lock instead of removing the content
            assert storage.exists(key_for(hashlib.sha256(data).hexdigest()))
        pausing.go.set()
        file_id = upload.result(timeout=WAIT)
        ending.result(timeout=WAIT)
    _assert_downloadable(database, storage, file_id, data)
