"""The `yuantus` command: start, worker, demo and the maintenance groups (db, user, storage…)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from yuantus import __version__
from yuantus.bom import cli as bom_cli
from yuantus.core import migrate, webapp
from yuantus.core.console import EXIT_USAGE, console, fail, say, set_database_opener
from yuantus.core.db import Database
from yuantus.core.demo import DemoContext
from yuantus.core.settings import ConfigurationError, Settings
from yuantus.doc_sync import cli as doc_sync_cli
from yuantus.domains import describe, load_domains
from yuantus.file import cli as storage_cli
from yuantus.identity.cli import token_app, user_app
from yuantus.job.cli import jobs_app

app = typer.Typer(help="Yuantus PLM service.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(jobs_app, name="jobs")
backup_app = typer.Typer(help="Backups: create and restore.", no_args_is_help=True)
app.add_typer(backup_app, name="backup")


def _database() -> Database:
    """The configured database, or a clean exit on a configuration error."""
    try:
        settings = Settings()
        settings.secrets  # noqa: B018 - validates production secrets early
    except (ConfigurationError, ValueError) as exc:
        fail(f"configuration error: {exc}", EXIT_USAGE)
    # every command sees the same domains as the API: tables, task types, hooks
    load_domains(settings.extra_domains)
    db = Database(settings)
    _opened.append(db)
    return db


# databases opened by the running command; their pooled connections close with it
_opened: list[Database] = []


@app.callback()
def _root(ctx: typer.Context) -> None:
    """Yuantus PLM service."""
    ctx.call_on_close(_close_opened)


def _close_opened() -> None:
    while _opened:
        _opened.pop().dispose()


def _ensure_schema(db: Database) -> None:
    """Upgrade the embedded SQLite itself; a server database must be upgraded by the operator."""
    if db.settings.is_sqlite:
        migrate.upgrade(db.engine)
        return
    current, head = migrate.current_revision(db.engine), migrate.head_revision(db.engine)
    if current != head:
        fail(f"database at {current}, code needs {head}: run `yuantus db upgrade`", EXIT_USAGE)


def _ready_database() -> Database:
    """The configured database with its schema at the code's revision."""
    db = _database()
    _ensure_schema(db)
    return db


set_database_opener(_ready_database)


def _load_demo_with_progress(session: Session, settings: Settings) -> DemoContext:
    """Load the demo data, one progress step per domain."""
    from yuantus.demo import demo_domains, load_demo

    with Progress(
        TextColumn("demo data"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        step = progress.add_task("", total=len(demo_domains()))
        return load_demo(
            session, settings, lambda name: progress.update(step, advance=1, description=name)
        )


def _schema_ready() -> Database:
    """The configured database, its schema checked (the embedded SQLite upgraded)."""
    db = _database()
    _ensure_schema(db)
    return db


app.add_typer(bom_cli.build(_schema_ready), name="bom")
app.add_typer(storage_cli.build(_schema_ready), name="storage")
app.add_typer(doc_sync_cli.build(_schema_ready), name="doc-sync")


@app.command()
def start(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    no_worker: Annotated[bool, typer.Option("--no-worker", help="Do not run jobs here.")] = False,
    demo: Annotated[bool, typer.Option("--demo", help="Load the demo data first.")] = False,
) -> None:
    """Serve the API (with an in-process job worker on the embedded SQLite)."""
    import uvicorn

    from yuantus.app import create_app
    from yuantus.identity import rules
    from yuantus.identity import service as identity_service

    db = _ready_database()
    settings = db.settings
    _sweep_crash_leftovers(db)
    if settings.admin_password is not None:
        try:
            rules.check_password(settings.admin_password)
        except ValueError as exc:
            fail(f"configuration error: YUANTUS_ADMIN_PASSWORD: {exc}", EXIT_USAGE)
    with db.scope() as session:
        if demo:
            ctx = _load_demo_with_progress(session, db.settings)
            console.print("Demo logins:")
            for line in ctx.report:
                console.print(line, markup=False)
        generated = identity_service.ensure_admin(session, settings.admin_password)
    if generated:
        console.print(f"Created user [bold]admin[/bold] with password [bold]{generated}[/bold]")
    bind_host, bind_port = host or settings.host, port or settings.port
    run_worker = settings.is_sqlite and not no_worker
    console.print(f"Yuantus {__version__} on http://{bind_host}:{bind_port}/api/v1 (docs: /docs)")
    if webapp.is_built():
        console.print(f"Web app: http://{bind_host}:{bind_port}/app/")
    else:
        console.print("Web app: not built (run `make web`; needs Node.js 20 and npm)")
    uvicorn.run(
        create_app(settings, database=db, run_worker=run_worker),
        host=bind_host,
        port=bind_port,
        log_level=settings.log_level.lower(),
        # the yuantus.access line (route template, user, request id) replaces uvicorn's
        access_log=False,
    )


def _sweep_crash_leftovers(db: Database) -> None:
    """Remove old upload spools and unreferenced blobs a crash left (local storage only)."""
    from yuantus.file import gc
    from yuantus.file.storage import LocalStorage, get_storage

    storage = get_storage(db.settings)
    if not isinstance(storage, LocalStorage):
        return
    with db.session_factory() as session:
        result = gc.sweep(session, storage, db.settings.storage_gc_grace_seconds, apply=True)
    count = len(result.temp_files) + len(result.orphan_blobs)
    if count:
        console.print(f"Removed {count} leftover upload files ({result.bytes} bytes)")


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Worker threads.")] = 1,
    task_type: Annotated[
        list[str] | None, typer.Option("--task-type", help="Only these task types.")
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Drain due jobs, then exit.")] = False,
    poll_interval: Annotated[float, typer.Option(min=0.05, help="Idle poll seconds.")] = 1.0,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="A line per completed batch.")
    ] = False,
) -> None:
    """Run job workers in this process until SIGTERM/SIGINT (or, with --once, drained)."""
    from yuantus.job.registry import UnknownTaskTypes
    from yuantus.job.runner import run_worker

    db = _ready_database()

    try:
        run_worker(
            db,
            concurrency=concurrency,
            task_types=task_type or None,
            once=once,
            poll_interval=poll_interval,
            announce=say,
            on_batch=(lambda report: say(report.line())) if verbose else None,
        )
    except UnknownTaskTypes as exc:
        fail(f"unknown task types: {', '.join(exc.unknown)}; known: {', '.join(exc.known)}", 2)


@app.command()
def demo() -> None:
    """Load the demo data (idempotent) and print the demo logins."""
    db = _ready_database()
    with db.scope() as session:
        ctx = _load_demo_with_progress(session, db.settings)
    for line in ctx.report:
        console.print(line, markup=False)


@app.command()
def domains() -> None:
    """Print the loaded domains, task types and hooks (as JSON) that every process shares."""
    _database()
    print(json.dumps(describe(), indent=2))


@app.command()
def openapi(
    path: Annotated[Path, typer.Argument(help="File to write the OpenAPI document (JSON) to.")],
) -> None:
    """Write the service's OpenAPI document, for the web client generator (no database)."""
    import tempfile

    from yuantus.app import create_app

    # the document depends on the code only: an in-memory database and throwaway dev
    # secrets, so it runs on any checkout and writes nothing but PATH
    with tempfile.TemporaryDirectory() as scratch:
        try:
            settings = Settings(environment="dev", data_dir=Path(scratch), database_url="sqlite://")
        except (ConfigurationError, ValueError) as exc:
            fail(f"configuration error: {exc}", EXIT_USAGE)
        document = create_app(settings).openapi()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    say(f"wrote {path}")


@app.command()
def version() -> None:
    """Print the version."""
    console.print(__version__)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations."""
    db = _database()
    migrate.upgrade(db.engine, revision)
    console.print(f"database at {migrate.current_revision(db.engine)}")


@db_app.command("current")
def db_current() -> None:
    """Print the database's revision and the newest one."""
    db = _database()
    console.print(
        f"current: {migrate.current_revision(db.engine)}  head: {migrate.head_revision(db.engine)}"
    )


@backup_app.command("create")
def backup_create(path: Annotated[Path, typer.Argument(help="Archive to write (tar).")]) -> None:
    """Write one consistent archive: database, file store, sha256 manifest."""
    from yuantus.core.backup import BackupError, create_backup

    db = _ready_database()
    try:
        manifest = create_backup(db.settings, path)
    except BackupError as exc:
        fail(str(exc))
    members = manifest["members"]
    say(f"backup written to {path}: {len(members) if isinstance(members, dict) else 0} members")


@backup_app.command("restore")
def backup_restore(path: Annotated[Path, typer.Argument(help="Archive to restore.")]) -> None:
    """Restore an archive into an empty data dir or database, verifying every hash."""
    from yuantus.core.backup import BackupError, restore_backup

    try:
        settings = Settings()
    except (ConfigurationError, ValueError) as exc:
        fail(f"configuration error: {exc}", EXIT_USAGE)
    try:
        restore_backup(settings, path)
    except BackupError as exc:
        fail(str(exc))
    say(f"restored {path}")


if __name__ == "__main__":
    app()
