"""Backups: one tar with the database (SQLite online backup or pg_dump) and the file store."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

import psycopg

from yuantus.core.settings import Settings

MANIFEST = "manifest.json"
SQLITE_MEMBER = "db/yuantus.db"
PG_MEMBER = "db/postgresql.dump"
FILES_PREFIX = "files/"
FORMAT = 1


class BackupError(RuntimeError):
    """A backup or restore was refused; nothing was written to the target."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _libpq_url(settings: Settings) -> str:
    url = settings.resolved_database_url
    return "postgresql://" + url.split("://", 1)[1]


def _sqlite_path(settings: Settings) -> Path:
    return Path(settings.resolved_database_url.split("///", 1)[1])


def _dump_database(settings: Settings, target: Path) -> str:
    """Write a consistent snapshot of the database to `target`; answer its member name."""
    if settings.is_sqlite:
        # the online backup API copies a consistent snapshot while writers go on
        source = sqlite3.connect(_sqlite_path(settings))
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        return SQLITE_MEMBER
    # pg_dump runs in one repeatable-read transaction: a consistent snapshot
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_url(settings)])
    return PG_MEMBER


def _run(command: list[str]) -> None:
    # the command is a fixed tool name with the configured URL: no shell, no user input
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:500]}")


def _blobs(files_root: Path) -> list[Path]:
    """The stored blobs; crash leftovers (`.upload-*.part`) are not part of the store."""
    if not files_root.is_dir():
        return []
    return sorted(
        p for p in files_root.rglob("*") if p.is_file() and not p.name.startswith(".upload-")
    )


def create_backup(settings: Settings, archive: Path) -> dict[str, object]:
    """Write one archive: database snapshot, then blobs, then a manifest of sha256 per member."""
    if archive.exists():
        raise BackupError(f"{archive} exists; choose a new path")
    members: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="yuantus-backup-") as tmp:
        snapshot = Path(tmp) / "db"
        # database first: blobs are placed before their rows commit, so every blob the
        # snapshot references is already on disk when the file store is copied
        db_member = _dump_database(settings, snapshot)
        partial = archive.with_name(archive.name + ".part")
        with tarfile.open(partial, "w") as tar:
            members[db_member] = _sha256(snapshot)
            tar.add(snapshot, arcname=db_member)
            files_root = settings.data_dir / "files"
            for blob in _blobs(files_root):
                name = FILES_PREFIX + blob.relative_to(files_root).as_posix()
                members[name] = _sha256(blob)
                tar.add(blob, arcname=name)
            manifest: dict[str, object] = {
                "format": FORMAT,
                "backend": "sqlite" if settings.is_sqlite else "postgresql",
                "members": members,
            }
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        partial.rename(archive)
    return manifest


def _verified_extract(archive: Path, into: Path) -> dict[str, object]:
    """Extract every member into `into` and check it against the manifest; refuse on mismatch."""
    try:
        with tarfile.open(archive, "r") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{archive} is not a readable backup: {exc}") from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text())
        members: dict[str, str] = manifest["members"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{archive} has no valid manifest") from exc
    present = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()} - {MANIFEST}
    if present != set(members):
        raise BackupError("archive members differ from its manifest; refused")
    for name, expected in members.items():
        if _sha256(into / name) != expected:
            raise BackupError(f"sha256 mismatch for {name}; the archive was altered, refused")
    result: dict[str, object] = manifest
    return result


def _pg_is_empty(url: str) -> bool:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    return row is not None and row[0] == 0


def _check_empty_target(settings: Settings) -> None:
    files_root = settings.data_dir / "files"
    if files_root.exists() and any(files_root.iterdir()):
        raise BackupError(f"{files_root} is not empty; restore only into an empty data dir")
    if settings.is_sqlite:
        path = _sqlite_path(settings)
        if path.exists() and path.stat().st_size > 0:
            raise BackupError(f"{path} exists; restore only into an empty data dir")
    elif not _pg_is_empty(_libpq_url(settings)):
        raise BackupError("the target database has tables; restore only into an empty database")


def restore_backup(settings: Settings, archive: Path) -> dict[str, object]:
    """Restore an archive into an empty data dir / database after verifying every hash."""
    _check_empty_target(settings)
    with tempfile.TemporaryDirectory(prefix="yuantus-restore-") as tmp:
        staged = Path(tmp)
        manifest = _verified_extract(archive, staged)
        backend = "sqlite" if settings.is_sqlite else "postgresql"
        if manifest.get("backend") != backend:
            raise BackupError(
                f"archive holds a {manifest.get('backend')} database, target is {backend}"
            )
        members = manifest["members"]
        assert isinstance(members, dict)
        if settings.is_sqlite:
            path = _sqlite_path(settings)
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staged / SQLITE_MEMBER, path)
            path.chmod(0o600)
        else:
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--exit-on-error",
                    f"--dbname={_libpq_url(settings)}",
                    str(staged / PG_MEMBER),
                ]
            )
        files_root = settings.data_dir / "files"
        for name in members:
            if name.startswith(FILES_PREFIX):
                dest = files_root / name.removeprefix(FILES_PREFIX)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(staged / name, dest)
    return manifest
