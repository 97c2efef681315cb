"""Storage backends and the file service: streaming, dedup, rollback cleanup, S3."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from pathlib import Path

import boto3
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.file.conftest import new_item, stored_blobs, upload
from yuantus.core.errors import NotFound, PayloadTooLarge
from yuantus.core.settings import Settings
from yuantus.file import service
from yuantus.file.storage import CHUNK_SIZE, LocalStorage, S3Storage, Storage, get_storage

DATA = os.urandom(3 * CHUNK_SIZE + 12345)


class RecordingStream(io.BytesIO):
    """A stream that records how much each read asked for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.asked: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.asked.append(-1 if size is None else size)
        return super().read(size)


def _check_backend(storage: Storage) -> None:
    stream = RecordingStream(DATA)
    blob = storage.put(stream)
    # streamed in bounded chunks, never one whole-file read
    assert stream.asked
    assert all(0 < n <= CHUNK_SIZE for n in stream.asked)
    assert blob.sha256 == hashlib.sha256(DATA).hexdigest()
    assert (blob.size, blob.created) == (len(DATA), True)
    assert storage.exists(blob.key)
    assert b"".join(storage.iter_range(blob.key)) == DATA
    assert b"".join(storage.iter_range(blob.key, 10, 19)) == DATA[10:20]
    assert b"".join(storage.iter_range(blob.key, len(DATA) - 5)) == DATA[-5:]
    assert storage.open(blob.key).read() == DATA
    again = storage.put(DATA)
    assert (again.key, again.created) == (blob.key, False)
    with pytest.raises(PayloadTooLarge):
        storage.put(b"y" * 101, max_bytes=100)
    small = storage.put(b"z")
    assert b"".join(storage.iter_range(small.key)) == b"z"
    storage.delete(blob.key)
    assert not storage.exists(blob.key)
    with pytest.raises(NotFound):
        b"".join(storage.iter_range(blob.key))


def test_local_backend(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    _check_backend(storage)
    # nothing but the small "z" blob is left: no temp file from the refused upload
    assert [p.name for p in stored_blobs(tmp_path / "files")] == [hashlib.sha256(b"z").hexdigest()]


def test_local_backend_crash_midway_leaves_no_blob(tmp_path: Path) -> None:
    class Broken(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if self.tell() >= CHUNK_SIZE:
                raise OSError("client went away")
            return super().read(size)

    storage = LocalStorage(tmp_path / "files")
    with pytest.raises(OSError, match="went away"):
        storage.put(Broken(DATA))
    assert stored_blobs(tmp_path / "files") == []


def test_s3_backend_against_a_real_s3_protocol_server(s3_endpoint: str, tmp_path: Path) -> None:
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket="yuantus-backend")
    storage = S3Storage(client, "yuantus-backend", tmp_path / "spool")
    _check_backend(storage)
    keys = [o["Key"] for o in client.list_objects_v2(Bucket="yuantus-backend")["Contents"]]
    digest = hashlib.sha256(b"z").hexdigest()
    assert keys == [f"sha256/{digest[:2]}/{digest}"]


def test_api_round_trip_on_s3(
    s3_endpoint: str, settings: Settings, as_user: Callable[[str], TestClient]
) -> None:
    settings.storage_backend = "s3"
    settings.s3_bucket = "yuantus-api"
    settings.s3_endpoint_url = s3_endpoint
    settings.s3_access_key_id = "test"
    settings.s3_secret_access_key = "test"
    storage = get_storage(settings)
    assert isinstance(storage, S3Storage)
    storage.client.create_bucket(Bucket="yuantus-api")
    eng = as_user("engineer")
    link = upload(eng, new_item(eng)["id"], DATA, filename="model.glb", role="viewable")
    url = f"/api/v1/files/{link['file_id']}/content"
    assert eng.get(url).content == DATA
    ranged = eng.get(url, headers={"Range": "bytes=5-14"})
    assert (ranged.status_code, ranged.content) == (206, DATA[5:15])
    assert storage.exists(f"sha256/{link['file']['sha256'][:2]}/{link['file']['sha256']}")
    assert stored_blobs(settings.data_dir / "files") == []


def test_a_rolled_back_transaction_removes_the_content_it_stored(
    session: Session, settings: Settings
) -> None:
    storage = get_storage(settings)
    root = settings.data_dir / "files"
    kept = service.store_bytes(session, storage, "kept.txt", None, b"kept", None)
    session.commit()
    assert kept.content_type == "text/plain"
    service.store_bytes(session, storage, "dropped.txt", None, b"dropped", None)
    # content that existed before is not this transaction's to remove
    service.store_bytes(session, storage, "kept-again.txt", None, b"kept", None)
    assert len(stored_blobs(root)) == 2
    session.rollback()
    assert [p.name for p in stored_blobs(root)] == [hashlib.sha256(b"kept").hexdigest()]


def test_savepoints_roll_back_their_own_content_only(session: Session, settings: Settings) -> None:
    storage = get_storage(settings)
    root = settings.data_dir / "files"
    service.store_bytes(session, storage, "outer.txt", None, b"outer", None)

    def vetoed(content: bytes) -> None:
        with session.begin_nested():
            service.store_bytes(session, storage, "inner.txt", None, content, None)
            raise RuntimeError("veto")

    with pytest.raises(RuntimeError):
        vetoed(b"inner")
    with pytest.raises(RuntimeError):
        vetoed(b"reused")
    # the outer transaction records the vetoed content again: it must survive the cleanup
    service.store_bytes(session, storage, "reused.txt", None, b"reused", None)
    with session.begin_nested():
        service.store_bytes(session, storage, "released.txt", None, b"released", None)
    # removal waits for the root transaction to end, when no lock of ours can be in its way
    assert len(stored_blobs(root)) == 4
    session.commit()
    names = {p.name for p in stored_blobs(root)}
    assert names == {hashlib.sha256(c).hexdigest() for c in (b"outer", b"reused", b"released")}


def test_a_staged_batch_is_written_whole_before_its_one_sync_round(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = LocalStorage(tmp_path / "files")
    parts = [b"first" * 1000, DATA, b"third"]
    sizes_at_sync: list[list[int]] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        spools = sorted((tmp_path / "files").glob(".upload-*.part"))
        sizes_at_sync.append(sorted(p.stat().st_size for p in spools))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with storage.stage_all(parts) as staged:
        assert [s.sha256 for s in staged] == [hashlib.sha256(p).hexdigest() for p in parts]
        placed = [staged[0].place(), staged[1].place()]
    # every spool was complete when the first sync ran, and each got its sync
    assert sizes_at_sync == [sorted(len(p) for p in parts)] * 3
    assert [b.created for b in placed] == [True, True]
    # the unplaced third spool is gone with the block; the placed two are stored
    assert sorted(p.name for p in stored_blobs(tmp_path / "files")) == sorted(
        hashlib.sha256(p).hexdigest() for p in parts[:2]
    )


def test_a_batch_over_the_limit_leaves_nothing(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    with pytest.raises(PayloadTooLarge), storage.stage_all([b"ok", b"y" * 101], max_bytes=100):
        pass
    assert stored_blobs(tmp_path / "files") == []
    assert list((tmp_path / "files").glob(".upload-*")) == []
