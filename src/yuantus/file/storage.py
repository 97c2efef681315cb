"""Content-addressed blob storage: local filesystem or an S3-compatible bucket."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from yuantus.core import error_codes as ec
from yuantus.core.errors import NotFound, PayloadTooLarge
from yuantus.core.settings import ConfigurationError, Settings
from yuantus.file import codes

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class StoredBlob:
    """Where content landed: its key, digest, size, and whether this call created it."""

    key: str
    sha256: str
    size: int
    created: bool


@dataclass(frozen=True)
class StagedBlob:
    """Content hashed into a temp spool, not yet in storage; place() moves it there."""

    key: str
    sha256: str
    size: int
    _place: Callable[[], bool]

    def place(self) -> StoredBlob:
        """Move the content under its key unless it is already stored there."""
        return StoredBlob(self.key, self.sha256, self.size, created=self._place())


def key_for(sha256: str) -> str:
    """The storage key of content with this digest (fanned out by its first two hex digits)."""
    return f"sha256/{sha256[:2]}/{sha256}"


def copy_hashing(source: IO[bytes], target: IO[bytes], max_bytes: int | None) -> tuple[str, int]:
    """Copy a stream in chunks, hashing as it goes; 413 as soon as it passes max_bytes."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK_SIZE):
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise PayloadTooLarge(
                f"the upload is larger than the limit of {max_bytes} bytes",
                code=ec.PAYLOAD_TOO_LARGE,
                context={"max_upload_bytes": max_bytes},
            )
        digest.update(chunk)
        target.write(chunk)
    return digest.hexdigest(), size


def as_stream(data: bytes | IO[bytes]) -> IO[bytes]:
    """A readable binary stream over bytes or an already open stream."""
    return io.BytesIO(data) if isinstance(data, bytes | bytearray) else data


class Storage(ABC):
    """Blobs addressed by their sha256; identical content is stored once."""

    def put(self, data: bytes | IO[bytes], max_bytes: int | None = None) -> StoredBlob:
        """Store content streamed from data; 413 payload_too_large past max_bytes."""
        with self.stage(data, max_bytes) as staged:
            return staged.place()

    @abstractmethod
    def stage(
        self, data: bytes | IO[bytes], max_bytes: int | None = None
    ) -> AbstractContextManager[StagedBlob]:
        """Spool and hash content (413 past max_bytes); the spool is gone on exit."""

    @contextmanager
    def stage_all(
        self, sources: Sequence[bytes | IO[bytes]], max_bytes: int | None = None
    ) -> Iterator[list[StagedBlob]]:
        """Stage several contents at once (a batch); every spool is gone on exit."""
        with ExitStack() as stack:
            yield [stack.enter_context(self.stage(data, max_bytes)) for data in sources]

    @abstractmethod
    def iter_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """The bytes start..end (inclusive; end None = to the end) in chunks."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """True when a blob is stored under the key."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove a blob (no error when it is absent)."""

    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of a whole blob."""
        return io.BufferedReader(ChunkStream(self.iter_range(key)), CHUNK_SIZE)


class ChunkStream(io.RawIOBase):
    """A raw stream over an iterator of byte chunks (a blob's range, a download's body)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def _missing(key: str) -> NotFound:
    return NotFound(
        "the file's content is missing from storage",
        code=codes.FILE_CONTENT_MISSING,
        context={"storage_key": key},
    )


class LocalStorage(Storage):
    """Blobs as files under a root directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        """The file holding a key's blob."""
        return self.root / key

    @contextmanager
    def stage(self, data: bytes | IO[bytes], max_bytes: int | None = None) -> Iterator[StagedBlob]:
        """Write to a temp file beside the blobs and fsync; placing renames it under its digest."""
        with self.stage_all([data], max_bytes) as (staged,):
            yield staged

    @contextmanager
    def stage_all(
        self, sources: Sequence[bytes | IO[bytes]], max_bytes: int | None = None
    ) -> Iterator[list[StagedBlob]]:
        """Write each to a temp file, then fsync them all: the disk flushes once per batch."""
        self.root.mkdir(parents=True, exist_ok=True)
        spools: list[Path] = []
        try:
            with ExitStack() as open_spools:
                staged, written = [], []
                for data in sources:
                    fd, name = tempfile.mkstemp(dir=self.root, prefix=".upload-", suffix=".part")
                    spools.append(Path(name))
                    target = open_spools.enter_context(os.fdopen(fd, "wb"))
                    sha256, size = copy_hashing(as_stream(data), target, max_bytes)
                    target.flush()
                    written.append(target)
                    key = key_for(sha256)
                    staged.append(StagedBlob(key, sha256, size, self._placer(spools[-1], key)))
                # syncing after all the writes, not after each one, lets the first fsync's journal
                # commit carry the whole batch: the later ones find little left to flush
                for target in written:
                    os.fsync(target.fileno())
            yield staged
        finally:
            for tmp in spools:
                tmp.unlink(missing_ok=True)

    def _placer(self, spool: Path, key: str) -> Callable[[], bool]:
        """Placing a spool: rename it under its key unless the key is stored already."""

        def place() -> bool:
            final = self.path(key)
            if final.exists():
                return False
            final.parent.mkdir(parents=True, exist_ok=True)
            # the rename is atomic: a reader or a crash sees no file or the whole file
            os.replace(spool, final)
            return True

        return place

    def iter_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Read the range from the blob's file in chunks."""
        try:
            fh = self.path(key).open("rb")
        except FileNotFoundError as exc:
            raise _missing(key) from exc
        return self._read(fh, start, end)

    @staticmethod
    def _read(fh: IO[bytes], start: int, end: int | None) -> Iterator[bytes]:
        with fh:
            fh.seek(start)
            remaining = None if end is None else end - start + 1
            while remaining is None or remaining > 0:
                chunk = fh.read(CHUNK_SIZE if remaining is None else min(CHUNK_SIZE, remaining))
                if not chunk:
                    return
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk

    def open(self, key: str) -> BinaryIO:
        """The blob's file opened for reading."""
        try:
            return self.path(key).open("rb")
        except FileNotFoundError as exc:
            raise _missing(key) from exc

    def exists(self, key: str) -> bool:
        """True when the blob's file exists."""
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove the blob's file."""
        self.path(key).unlink(missing_ok=True)


class S3Storage(Storage):
    """Blobs as objects in an S3-compatible bucket."""

    def __init__(self, client: S3Client, bucket: str, spool_dir: Path | None = None) -> None:
        self.client = client
        self.bucket = bucket
        self.spool_dir = spool_dir

    @contextmanager
    def stage(self, data: bytes | IO[bytes], max_bytes: int | None = None) -> Iterator[StagedBlob]:
        """Spool to a local temp file while hashing (the key is the digest); placing uploads it."""
        if self.spool_dir is not None:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=self.spool_dir) as spool:
            sha256, size = copy_hashing(as_stream(data), spool, max_bytes)
            key = key_for(sha256)

            def place() -> bool:
                if self.exists(key):
                    return False
                spool.seek(0)
                # S3 writes are atomic per object: a failed upload never leaves a partial object
                self.client.upload_fileobj(spool, self.bucket, key)
                return True

            yield StagedBlob(key, sha256, size, place)

    def iter_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Stream a (ranged) GET of the object."""
        from botocore.exceptions import ClientError

        extra: dict[str, Any] = {}
        if start or end is not None:
            extra["Range"] = f"bytes={start}-{'' if end is None else end}"
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=key, **extra)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise _missing(key) from exc
            raise
        body = answer["Body"]

        def chunks() -> Iterator[bytes]:
            with contextlib.closing(body):
                yield from body.iter_chunks(CHUNK_SIZE)

        return chunks()

    def exists(self, key: str) -> bool:
        """HEAD the object."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        """DELETE the object."""
        self.client.delete_object(Bucket=self.bucket, Key=key)


def get_storage(settings: Settings) -> Storage:
    """The storage backend the settings configure (S3 clients are reused per configuration)."""
    if settings.storage_backend == "local":
        return LocalStorage(settings.data_dir / "files")
    if not settings.s3_bucket:
        raise ConfigurationError("YUANTUS_STORAGE_BACKEND=s3 needs YUANTUS_S3_BUCKET")
    return _s3_storage(
        settings.s3_bucket,
        settings.s3_endpoint_url,
        settings.s3_region,
        settings.s3_access_key_id,
        settings.s3_secret_access_key,
        settings.data_dir / "tmp",
    )


@lru_cache(maxsize=8)
def _s3_storage(
    bucket: str,
    endpoint_url: str | None,
    region: str,
    access_key_id: str | None,
    secret_access_key: str | None,
    spool_dir: Path,
) -> S3Storage:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
    )
    return S3Storage(client, bucket, spool_dir)
