"""The fuzz run's server: one per backend, in a process of its own, with a database of its own."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import PG_ENV, _backends
from tests.fuzz import hooks
from tests.fuzz.live import LiveServer, live_server, postgres_database


@pytest.fixture(scope="module", params=_backends())
def fuzz_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A demo server on the backend; the schema's hooks draw ids from it while it runs."""
    root: Path = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    with _server(request.param, root) as server:
        hooks.CURRENT.server = server
        try:
            yield server
        finally:
            hooks.CURRENT.server = None


@contextmanager
def _server(backend: str, root: Path) -> Iterator[LiveServer]:
    if backend == "postgresql":
        with postgres_database(os.environ[PG_ENV]) as url, live_server(url, root / "data") as s:
            yield s
    else:
        with live_server(f"sqlite:///{root / 'yuantus.db'}", root / "data") as s:
            yield s
