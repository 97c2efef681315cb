"""`yuantus bom import|export`: BOM spreadsheets against the local database, with progress bars."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from yuantus.bom import exporting, importing
from yuantus.bom import service as bom_service
from yuantus.bom.explosion import FlatRow
from yuantus.bom.import_rows import RowError
from yuantus.bom.limits import StructureLimits
from yuantus.core.db import Database
from yuantus.core.errors import YuantusError

console = Console()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=False,
    )


def _errors_table(errors: list[RowError]) -> Table:
    table = Table("row", "column", "code", "reason", title="errors")
    for e in errors:
        table.add_row(str(e.row), e.column or "", e.code, e.reason)
    return table


def _fail(exc: YuantusError) -> typer.Exit:
    """Print a refused command's message (and row errors) and answer exit code 1."""
    console.print(f"[red]{exc.message}[/red]")
    rows = exc.context.get("errors")
    if isinstance(rows, list):
        console.print(_errors_table([RowError(**r) for r in rows]))
    return typer.Exit(1)


def build(open_database: Callable[[], Database]) -> typer.Typer:
    """The `bom` command group; `open_database` gives the migrated database with domains loaded."""
    app = typer.Typer(help="BOM spreadsheets: import and export.", no_args_is_help=True)

    @app.command("import")
    def import_command(
        file: Annotated[Path, typer.Argument(help="CSV or XLSX.")],
        parent: Annotated[str, typer.Option("--parent", help="Part number of the Draft parent.")],
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Check only; write nothing.")
        ] = False,
        create_missing: Annotated[
            bool, typer.Option("--create-missing", help="Create unknown children as Draft Parts.")
        ] = False,
        user: Annotated[
            str | None, typer.Option("--user", help="Record the lines as this engineer's.")
        ] = None,
    ) -> None:
        """Import a sheet as the BOM lines of a Draft revision (all or nothing)."""
        from yuantus.audit.service import console_actor
        from yuantus.identity import service as identity_service
        from yuantus.item import service as item_service

        # checked here, not by the parser: a documented example parses without the file
        if not file.is_file():
            console.print(f"no such file: {file}")
            raise typer.Exit(2)
        db = open_database()
        content = file.read_bytes()
        with _progress() as bar:
            task = bar.add_task(f"importing {file.name}", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            try:
                with db.scope() as session:
                    actor = identity_service.get_by_username(session, user) if user else None
                    if user and (
                        actor is None or not actor.is_active or not actor.has_role("engineer")
                    ):
                        console.print(f"[red]{user} is not an active engineer[/red]")
                        raise typer.Exit(1)
                    target = item_service.get_by_number(session, "Part", parent)
                    result = importing.import_bom(
                        session,
                        target.id,
                        content,
                        file.name,
                        dry_run=dry_run,
                        create_missing=create_missing,
                        user=actor,
                        actor=actor or console_actor(),
                        max_rows=db.settings.bom_import_max_rows,
                        progress=advance,
                    )
                    summary = (
                        f"{'would add' if dry_run else 'added'} "
                        f"{sum(line.action == 'add' for line in result.lines)} line(s) to "
                        f"{target.item_number} rev {target.revision}, checked "
                        f"{sum(line.action == 'keep' for line in result.lines)}; "
                        f"{'would create' if dry_run else 'created'} "
                        f"{len(result.created_parts)} part(s)"
                    )
            except YuantusError as exc:
                raise _fail(exc) from exc
        console.print(summary)
        if result.errors:
            console.print(_errors_table(result.errors))
            raise typer.Exit(1)

    @app.command("export")
    def export_command(
        number: Annotated[str, typer.Argument(help="Part number of the assembly.")],
        output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
        fmt: Annotated[str, typer.Option("--format", help="csv or xlsx.")] = "csv",
        revision: Annotated[
            str | None, typer.Option(help="A revision; the current one by default.")
        ] = None,
        levels: Annotated[int, typer.Option(help="Depth; -1 = all levels.")] = -1,
    ) -> None:
        """Export the exploded BOM of a Part as CSV or XLSX (an import reads it back)."""
        from yuantus.item import service as item_service

        if fmt not in ("csv", "xlsx"):
            console.print(f"[red]--format must be csv or xlsx, not {fmt}[/red]")
            raise typer.Exit(2)
        db = open_database()
        try:
            with db.scope() as session:
                item = item_service.get_by_number(session, "Part", number, revision)
                limits = StructureLimits.of(db.settings)
                _, _, rows, _ = bom_service.flat_for(session, item.id, levels, None, limits)
                with _progress() as bar:
                    task = bar.add_task(f"exporting {item.item_number}", total=len(rows))

                    def tracked() -> Iterator[FlatRow]:
                        for row in rows:
                            yield row
                            bar.advance(task)

                    content, _, _ = exporting.export_flat(item, tracked(), fmt)
                label = f"{item.item_number} rev {item.revision}"
        except YuantusError as exc:
            raise _fail(exc) from exc
        output.write_bytes(content)
        console.print(f"wrote {len(rows)} row(s) of {label} to {output}")

    return app
