"""Sweep what a crashed upload leaves in local storage: spool files and blobs with no file row.

A crash (kill -9, power loss) between staging and commit leaves a `.upload-*.part` spool, or a
blob placed under its digest whose file row never committed. Both only waste space, but a
100 MB upload leaves 100 MB. Only files older than a grace period are touched: a younger one
may belong to an upload that is still running in another process.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from yuantus.file import content
from yuantus.file.models import FileObject
from yuantus.file.storage import LocalStorage

_BLOB_NAME = re.compile(r"[0-9a-f]{64}")
_BATCH = 500


@dataclass
class SweepResult:
    """What a sweep found (and, when applied, deleted): paths with their sizes in bytes."""

    temp_files: list[tuple[Path, int]] = field(default_factory=list)
    orphan_blobs: list[tuple[Path, int]] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        """The bytes these files hold."""
        return sum(size for _, size in self.temp_files + self.orphan_blobs)


def sweep(
    session: Session,
    storage: LocalStorage,
    grace_seconds: int,
    *,
    apply: bool,
    now: float | None = None,
) -> SweepResult:
    """Find spools and unreferenced blobs older than the grace period; delete them when applying."""
    cutoff = (time.time() if now is None else now) - grace_seconds
    result = SweepResult()
    if not storage.root.is_dir():
        return result
    for spool in storage.root.glob(".upload-*.part"):
        size = _size_if_older(spool, cutoff)
        if size is not None:
            result.temp_files.append((spool, size))
            if apply:
                spool.unlink(missing_ok=True)
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    for batch in _batches(_old_blobs(storage, cutoff)):
        keys = [key for key, _, _ in batch]
        used = set(
            session.scalars(select(FileObject.storage_key).where(FileObject.storage_key.in_(keys)))
        )
        session.rollback()  # no read transaction held across the deletes below
        for key, path, size in batch:
            if key in used:
                continue
            if not apply or _delete_if_unused(engine, storage, key):
                result.orphan_blobs.append((path, size))
    return result


def _size_if_older(path: Path, cutoff: float) -> int | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_size if stat.st_mtime < cutoff else None


def _old_blobs(storage: LocalStorage, cutoff: float) -> Iterator[tuple[str, Path, int]]:
    for path in sorted(storage.root.glob("sha256/*/*")):
        if not _BLOB_NAME.fullmatch(path.name) or path.parent.name != path.name[:2]:
            continue  # not a blob this service wrote: leave it alone
        size = _size_if_older(path, cutoff)
        if size is not None:
            yield f"sha256/{path.name[:2]}/{path.name}", path, size


def _batches(rows: Iterator[tuple[str, Path, int]]) -> Iterator[list[tuple[str, Path, int]]]:
    batch: list[tuple[str, Path, int]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _delete_if_unused(engine: Engine, storage: LocalStorage, key: str) -> bool:
    """Under the content's lock (the one uploads hold), delete the blob if still unreferenced."""
    with engine.begin() as connection:
        content.lock_key(connection, key)
        used = connection.scalar(
            select(FileObject.id).where(FileObject.storage_key == key).limit(1)
        )
        if used is not None:
            return False
        storage.delete(key)
        return True
