"""`yuantus doc-sync rotate-keys`: re-encrypt every site's token under the first key."""

from __future__ import annotations

from collections.abc import Callable

import typer

from yuantus.core.db import Database
from yuantus.doc_sync import sites


def build(open_database: Callable[[], Database]) -> typer.Typer:
    """The doc-sync command group over the database `open_database` answers."""
    app = typer.Typer(help="Document sync between sites.", no_args_is_help=True)

    @app.command("rotate-keys")
    def rotate_keys() -> None:
        """Re-encrypt the stored site tokens with the first of YUANTUS_ENCRYPTION_KEYS."""
        db = open_database()
        with db.scope() as session:
            count = sites.rotate_keys(session, db.settings)
        typer.echo(f"re-encrypted the tokens of {count} site(s) under the first key")

    @app.command("sites")
    def list_sites() -> None:
        """The registered sites, their endpoints and last health (never their tokens)."""
        from sqlalchemy import select

        from yuantus.doc_sync.models import RemoteSite

        db = open_database()
        with db.scope() as session:
            for site in session.scalars(select(RemoteSite).order_by(RemoteSite.name)):
                state = "active" if site.is_active else "inactive"
                health = site.last_health_status or "never probed"
                typer.echo(f"{site.name}\t{site.endpoint}\t{state}\t{health}")

    return app
