"""Run the `yuantus` command for a benchmark: python -m bench.server [--immediate-reads] ARGS.

--immediate-reads restores the old SQLite behaviour for comparison: read requests begin
with BEGIN IMMEDIATE like writes (their read-only view is the writing engine itself).
"""

from __future__ import annotations

import sys

from sqlalchemy import Engine

from yuantus.core import db


def _same_engine(engine: Engine) -> Engine:
    return engine


def main(argv: list[str]) -> None:
    """Start the CLI with the given arguments (after the optional flag)."""
    if argv[:1] == ["--immediate-reads"]:
        db.read_only_engine = _same_engine
        argv = argv[1:]
    from yuantus.cli import app

    app(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
