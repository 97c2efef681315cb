"""What every `yuantus` sub-command shares: the console, the database, input checks, errors."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NoReturn, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.table import Column, Table

from yuantus.core.db import Database
from yuantus.core.errors import YuantusError

# piped or captured output is not cut to 80 columns: tables keep ids and dates whole
console = Console() if sys.stdout.isatty() or "COLUMNS" in os.environ else Console(width=160)
# invalid input is a usage error (as click's own); a refused operation is 1
EXIT_REFUSED = 1
EXIT_USAGE = 2

M = TypeVar("M", bound=BaseModel)
_opener: list[Callable[[], Database]] = []


def set_database_opener(opener: Callable[[], Database]) -> None:
    """Install how commands get the database (yuantus.cli: settings, domains, schema check)."""
    _opener[:] = [opener]


def database() -> Database:
    """The configured, migrated database."""
    if not _opener:
        raise RuntimeError("the yuantus CLI installs a database opener first")
    return _opener[0]()


def say(line: str) -> None:
    """Print a plain line, never wrapped (logs and grep see it whole)."""
    console.print(line, markup=False, highlight=False, soft_wrap=True)


def fail(message: str, code: int = EXIT_REFUSED) -> NoReturn:
    """Print an error and exit with `code`."""
    console.print(message, style="red", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


# columns people copy from (ids, token prefixes) are never cut
_WHOLE = {"id": 36, "prefix": 12}


def table(*headers: str, wrap: tuple[str, ...] = (), title: str | None = None) -> Table:
    """A Rich table on one line per row; only the `wrap` columns (free text) may wrap."""
    columns = [
        Column(h, no_wrap=h not in wrap, min_width=_WHOLE.get(h), overflow="fold") for h in headers
    ]
    return Table(*columns, title=title)


def validated(model: type[M], data: Mapping[str, Any]) -> M:
    """`data` checked by the API's own schema; exit 2 naming each problem (never the values)."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {_message(e['msg'])}"
            for e in exc.errors(include_input=False, include_context=False)
        ]
        fail("invalid input: " + "; ".join(problems), EXIT_USAGE)


def _message(msg: str) -> str:
    """pydantic's message without its `Value error, ` prefix (our rules say it all)."""
    return msg.removeprefix("Value error, ")


@contextmanager
def refusals() -> Iterator[None]:
    """Turn a domain error (4xx in the API) into its message and exit 1 (422s: exit 2)."""
    try:
        yield
    except YuantusError as exc:
        fail(f"{exc.message} ({exc.code})", EXIT_USAGE if exc.status_code == 422 else EXIT_REFUSED)


def when(value: datetime | None, empty: str = "") -> str:
    """A timestamp for a table cell: UTC to the second."""
    if value is None:
        return empty
    return value.strftime("%Y-%m-%d %H:%M:%S")


def dumps(value: object) -> str:
    """JSON for a detail view."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
