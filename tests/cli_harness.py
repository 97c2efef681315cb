"""The `yuantus` command run in-process (typer's CliRunner) on the database under test."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import CliRunner, Result

from tests.conftest import ENCRYPTION_KEY, JWT_SECRET, TEST_DOMAINS
from yuantus.cli import app
from yuantus.core.db import Database
from yuantus.core.settings import Settings

Cli = Callable[..., Result]


@pytest.fixture
def cli(database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Run `yuantus <args>` against the test database (SQLite or PostgreSQL)."""
    env = {
        "YUANTUS_DATABASE_URL": settings.resolved_database_url,
        "YUANTUS_DATA_DIR": str(settings.data_dir),
        "YUANTUS_JWT_SECRET": JWT_SECRET,
        "YUANTUS_ENCRYPTION_KEYS": ENCRYPTION_KEY,
        "YUANTUS_EXTRA_DOMAINS": ",".join(TEST_DOMAINS),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("YUANTUS_API_TOKEN_DEFAULT_DAYS", raising=False)
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input)

    return run
