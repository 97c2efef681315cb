"""`yuantus storage gc`: list (or remove with --apply) what crashed uploads left behind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from yuantus.core.console import fail, say
from yuantus.core.db import Database
from yuantus.file import gc
from yuantus.file.storage import LocalStorage, get_storage


def build(open_database: Callable[[], Database]) -> typer.Typer:
    """The `storage` command group on a database opener."""
    app = typer.Typer(help="File storage maintenance.", no_args_is_help=True)

    @app.command("gc")
    def gc_command(
        apply: Annotated[bool, typer.Option("--apply", help="Delete; default: list only.")] = False,
        grace_seconds: Annotated[
            int | None,
            typer.Option(min=0, help="Skip files younger than this (default: the setting)."),
        ] = None,
    ) -> None:
        """Upload spools and blobs with no file row, older than the grace period (dry run)."""
        db = open_database()
        storage = get_storage(db.settings)
        if not isinstance(storage, LocalStorage):
            fail("storage gc supports the local backend only (S3: use a bucket lifecycle rule)")
        grace = db.settings.storage_gc_grace_seconds if grace_seconds is None else grace_seconds
        with db.session_factory() as session:
            result = gc.sweep(session, storage, grace, apply=apply)
        verb = "deleted" if apply else "would delete"
        for kind, rows in (("temp", result.temp_files), ("orphan", result.orphan_blobs)):
            for path, size in rows:
                say(f"{verb} {kind} {path} ({size} bytes)")
        count = len(result.temp_files) + len(result.orphan_blobs)
        say(f"{verb} {count} files, {result.bytes} bytes" + ("" if apply else " (dry run)"))

    return app
