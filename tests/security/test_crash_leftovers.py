"""Crash leftovers: a killed upload leaves a spool or an unreferenced blob; gc sweeps them."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from tests.cli_harness import Cli
from tests.cli_harness import cli as cli  # the `yuantus` command on the test database
from tests.conftest import ENCRYPTION_KEY, JWT_SECRET
from tests.file.conftest import new_item, upload
from yuantus.core.db import Database
from yuantus.core.settings import Settings
from yuantus.file import gc
from yuantus.file.storage import LocalStorage, get_storage, key_for

Client = Callable[[str], TestClient]
REPO = Path(__file__).resolve().parents[2]

# a child process that streams an upload through the real service code, then kills itself
# (SIGKILL: no finally, no rollback) either mid-stream or after placing the blob, before commit
_CRASHING_UPLOAD = textwrap.dedent(
    """
    import os, signal, sys
    from yuantus.core.db import Database
    from yuantus.core.settings import Settings
    from yuantus.file import service, storage as storage_mod

    mode, fill = sys.argv[1], sys.argv[2].encode()
    db = Database(Settings())
    store = storage_mod.get_storage(db.settings)

    class Stream:
        sent = 0
        def read(self, n=-1):
            if self.sent >= 4 * 1024 * 1024:
                return b""
            if mode == "spool" and self.sent >= 2 * 1024 * 1024:
                os.kill(os.getpid(), signal.SIGKILL)
            self.sent += 1024 * 1024
            return fill * (1024 * 1024)

    if mode == "blob":
        place = storage_mod.StagedBlob.place
        def place_then_die(self):
            placed = place(self)
            os.kill(os.getpid(), signal.SIGKILL)
            return placed
        storage_mod.StagedBlob.place = place_then_die
    with db.session_factory() as session:
        service.store_bytes(session, store, "big.bin", None, Stream(), None)
        session.commit()
    """
)


def _crash_upload(settings: Settings, mode: str, fill: str) -> None:
    env = dict(
        os.environ,
        YUANTUS_DATABASE_URL=settings.resolved_database_url,
        YUANTUS_DATA_DIR=str(settings.data_dir),
        YUANTUS_JWT_SECRET=JWT_SECRET,
        YUANTUS_ENCRYPTION_KEYS=ENCRYPTION_KEY,
        PYTHONPATH=str(REPO),
    )
    done = subprocess.run(
        [sys.executable, "-c", _CRASHING_UPLOAD, mode, fill], env=env, cwd=REPO, timeout=60
    )
    assert done.returncode == -9, "the upload process was killed, not finished"


def _age(path: Path, seconds: float) -> None:
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_sweep_removes_what_killed_uploads_left_and_keeps_live_files(
    as_user: Client, database: Database, settings: Settings
) -> None:
    """A spool and a rowless blob from two kill -9 uploads are swept; a committed file stays."""
    client = as_user("engineer")
    item = new_item(client)
    kept = upload(client, item["id"], b"released drawing")
    storage = get_storage(settings)
    assert isinstance(storage, LocalStorage)
    _crash_upload(settings, "spool", "a")
    _crash_upload(settings, "blob", "b")
    spools = list(storage.root.glob(".upload-*.part"))
    assert len(spools) == 1
    assert spools[0].stat().st_size == 2 * 1024 * 1024
    orphan = storage.path(key_for(hashlib.sha256(b"b" * 4 * 1024 * 1024).hexdigest()))
    assert orphan.stat().st_size == 4 * 1024 * 1024
    for path in (spools[0], orphan, storage.path(key_for(kept["file"]["sha256"]))):
        _age(path, 7200)

    with database.session_factory() as session:
        dry = gc.sweep(session, storage, 3600, apply=False)
    assert [p for p, _ in dry.temp_files] == spools
    assert [p for p, _ in dry.orphan_blobs] == [orphan]
    assert dry.bytes == 6 * 1024 * 1024
    assert spools[0].exists(), "a dry run deletes nothing"
    assert orphan.exists()

    with database.session_factory() as session:
        done = gc.sweep(session, storage, 3600, apply=True)
    assert done.bytes == 6 * 1024 * 1024
    assert not spools[0].exists()
    assert not orphan.exists()
    answer = client.get(f"/api/v1/files/{kept['file']['id']}/content")
    assert answer.status_code == 200
    assert answer.content == b"released drawing"


def test_sweep_leaves_files_younger_than_the_grace_period(
    database: Database, settings: Settings
) -> None:
    """A spool or blob of an upload that may still be running is not touched."""
    storage = get_storage(settings)
    assert isinstance(storage, LocalStorage)
    _crash_upload(settings, "blob", "c")
    with database.session_factory() as session:
        result = gc.sweep(session, storage, 3600, apply=True)
    assert result.orphan_blobs == []
    assert result.temp_files == []
    assert len(list(storage.root.glob("sha256/*/*"))) == 1


def test_storage_gc_command_dry_run_then_apply(cli: Cli, settings: Settings) -> None:
    """`yuantus storage gc` lists by default and deletes only with --apply."""
    storage = get_storage(settings)
    assert isinstance(storage, LocalStorage)
    storage.root.mkdir(parents=True, exist_ok=True)
    spool = storage.root / ".upload-crashed.part"
    spool.write_bytes(b"x" * 1000)
    _age(spool, 10)

    dry = cli("storage", "gc", "--grace-seconds", "5")
    assert dry.exit_code == 0, dry.output
    assert f"would delete temp {spool} (1000 bytes)" in dry.output
    assert "would delete 1 files, 1000 bytes (dry run)" in dry.output
    assert spool.exists()

    applied = cli("storage", "gc", "--grace-seconds", "5", "--apply")
    assert applied.exit_code == 0, applied.output
    assert "deleted 1 files, 1000 bytes" in applied.output
    assert not spool.exists()


def test_start_sweeps_old_leftovers_before_serving(database: Database, settings: Settings) -> None:
    """`yuantus start` runs the sweep with the configured grace period before it serves."""
    from yuantus.cli import _sweep_crash_leftovers

    storage = get_storage(settings)
    assert isinstance(storage, LocalStorage)
    storage.root.mkdir(parents=True, exist_ok=True)
    old, young = storage.root / ".upload-old.part", storage.root / ".upload-young.part"
    old.write_bytes(b"o")
    young.write_bytes(b"y")
    _age(old, settings.storage_gc_grace_seconds + 60)
    _sweep_crash_leftovers(database)
    assert not old.exists()
    assert young.exists()
