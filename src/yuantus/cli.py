"""The `yuantus` command: start, worker, db, user, token, demo, version."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from yuantus import __version__
from yuantus.bom import cli as bom_cli
from yuantus.core import migrate
from yuantus.core.db import Database
from yuantus.core.settings import ConfigurationError, Settings
from yuantus.domains import describe, load_domains

app = typer.Typer(help="Yuantus PLM service.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
user_app = typer.Typer(help="Users.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
console = Console()


def _database() -> Database:
    """The configured database, or a clean exit on a configuration error."""
    try:
        settings = Settings()
        settings.secrets  # noqa: B018 - validates production secrets early
    except ConfigurationError as exc:
        console.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc
    # every command sees the same domains as the API: tables, task types, hooks
    load_domains(settings.extra_domains)
    return Database(settings)


def _ensure_schema(db: Database) -> None:
    """Upgrade the embedded SQLite itself; a server database must be upgraded by the operator."""
    if db.settings.is_sqlite:
        migrate.upgrade(db.engine)
        return
    current, head = migrate.current_revision(db.engine), migrate.head_revision(db.engine)
    if current != head:
        console.print(f"[red]database at {current}, code needs {head}: run `yuantus db upgrade`")
        raise typer.Exit(2)


def _schema_ready() -> Database:
    """The configured database, its schema checked (the embedded SQLite upgraded)."""
    db = _database()
    _ensure_schema(db)
    return db


app.add_typer(bom_cli.build(_schema_ready), name="bom")


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
    from yuantus.identity import service as identity_service

    db = _database()
    settings = db.settings
    _ensure_schema(db)
    with db.scope() as session:
        if demo:
            from yuantus.demo import load_demo

            ctx = load_demo(session, db.settings)
            console.print("Demo logins:")
            for line in ctx.report:
                console.print(line, markup=False)
        generated = identity_service.ensure_admin(session, settings.admin_password)
    if generated:
        console.print(f"Created user [bold]admin[/bold] with password [bold]{generated}[/bold]")
    bind_host, bind_port = host or settings.host, port or settings.port
    run_worker = settings.is_sqlite and not no_worker
    console.print(f"Yuantus {__version__} on http://{bind_host}:{bind_port}/api/v1 (docs: /docs)")
    uvicorn.run(
        create_app(settings, database=db, run_worker=run_worker),
        host=bind_host,
        port=bind_port,
        log_level=settings.log_level.lower(),
    )


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Worker threads.")] = 1,
    task_type: Annotated[
        list[str] | None, typer.Option("--task-type", help="Only these task types.")
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Drain due jobs, then exit.")] = False,
    poll_interval: Annotated[float, typer.Option(min=0.05, help="Idle poll seconds.")] = 1.0,
) -> None:
    """Run job workers in this process until SIGTERM/SIGINT."""
    from yuantus.job.worker import run_worker

    db = _database()
    _ensure_schema(db)
    run_worker(
        db,
        concurrency=concurrency,
        task_types=task_type or None,
        once=once,
        poll_interval=poll_interval,
    )


@app.command()
def demo() -> None:
    """Load the demo data (idempotent) and print the demo logins."""
    from yuantus.demo import load_demo

    db = _database()
    _ensure_schema(db)
    with db.scope() as session:
        ctx = load_demo(session, db.settings)
    for line in ctx.report:
        console.print(line, markup=False)


@app.command()
def domains() -> None:
    """Print the loaded domains, task types and hooks (as JSON) that every process shares."""
    _database()
    print(json.dumps(describe(), indent=2))


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


@user_app.command("create")
def user_create(
    username: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    role: Annotated[list[str] | None, typer.Option("--role", help="Repeat for roles.")] = None,
    email: str | None = None,
    full_name: str | None = None,
) -> None:
    """Create a user."""
    from yuantus.audit.service import console_actor
    from yuantus.core.errors import YuantusError
    from yuantus.identity import service

    db = _database()
    _ensure_schema(db)
    try:
        with db.scope() as session:
            user = service.create_user(
                session,
                username,
                password,
                email=email,
                full_name=full_name,
                roles=role or [],
                actor=console_actor(),
            )
            console.print(f"created {user.username} ({', '.join(user.roles) or 'no roles'})")
    except YuantusError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from exc


@user_app.command("list")
def user_list() -> None:
    """List users."""
    from yuantus.core.pagination import PageParams
    from yuantus.identity import service

    db = _database()
    table = Table("username", "roles", "active", "email")
    with db.scope() as session:
        users, _ = service.list_users(session, PageParams(limit=10_000))
        for u in users:
            table.add_row(u.username, ",".join(u.roles), str(u.is_active), u.email or "")
    console.print(table)


@user_app.command("set-password")
def user_set_password(
    username: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Set a user's password."""
    from yuantus.audit.service import console_actor
    from yuantus.identity import service

    db = _database()
    with db.scope() as session:
        user = service.get_by_username(session, username)
        if user is None:
            console.print(f"[red]no user {username}[/red]")
            raise typer.Exit(1)
        service.update_user(session, user, password=password, actor=console_actor())
    console.print(f"password of {username} changed")


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Option("--user", help="The token's owner.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    expires_in_days: Annotated[int | None, typer.Option(min=1)] = None,
) -> None:
    """Create an API token and print it once."""
    from yuantus.audit.service import console_actor
    from yuantus.identity import service

    db = _database()
    with db.scope() as session:
        owner = service.get_by_username(session, user)
        if owner is None:
            console.print(f"[red]no user {user}[/red]")
            raise typer.Exit(1)
        _, secret = service.create_api_token(
            session, owner, name, expires_in_days, actor=console_actor()
        )
    print(secret)


if __name__ == "__main__":
    app()
