"""The web BOM tree's first request on the 111k-line benchmark BOM: one level over HTTP.

python -m bench web_bom [--backends sqlite,postgresql] [--fanout 100,10,10,10] [--repeat 5]

The web app opens a BOM with `GET /bom/{id}/tree?levels=1` and expands a node with the same
call on the child. Measured through the HTTP app (auth, rule, serialization included) against
a baseline in the same run: the plain SELECT of the root's level-1 lines.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

import yuantus.models  # noqa: F401 - the full metadata
from bench.bom import build
from bench.common import PG_ADMIN_URL, bench_settings, median_seconds, throwaway_database
from yuantus.app import create_app
from yuantus.bom.models import BomLine
from yuantus.core import migrate
from yuantus.core.db import Database
from yuantus.core.security import create_access_token
from yuantus.identity import service as identity


def run_backend(backend: str, fanout: list[int], repeat: int, admin_url: str) -> list[str]:
    """Build the BOM on one backend, time the first level and the baseline; the report lines."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        throwaway_database(backend, admin_url, Path(tmp), "webbom") as url,
    ):
        settings = bench_settings(url, Path(tmp))
        db = Database(settings)
        try:
            migrate.upgrade(db.engine)
            product = build(db, fanout)
            with db.scope() as s:
                user = identity.create_user(s, "bench", None, roles=["viewer"])
                user_id = user.id
                total = s.scalar(select(func.count()).select_from(BomLine)) or 0
            token, _ = create_access_token(user_id, settings.secrets.jwt_secret, 60)
            client = TestClient(create_app(settings, database=db))
            logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request otherwise
            headers = {"Authorization": f"Bearer {token}"}
            path = f"/api/v1/bom/{product.top_a}/tree?levels=1"
            first = client.get(path, headers=headers)
            first.raise_for_status()
            children = first.json()["children"]
            child = children[0]["item_id"]

            def level() -> None:
                client.get(path, headers=headers).raise_for_status()

            def expand() -> None:
                client.get(f"/api/v1/bom/{child}/tree?levels=1", headers=headers).raise_for_status()

            def baseline() -> None:
                with db.scope() as s:
                    stmt = select(BomLine).where(BomLine.parent_item_id == product.top_a)
                    s.scalars(stmt).all()

            level_s = median_seconds(level, repeat)
            expand_s = median_seconds(expand, repeat)
            base_s = median_seconds(baseline, repeat)
            ratio = level_s / base_s
            return [
                f"{backend}: BOM of {total:,} lines, {len(children)} on level 1",
                f"  first level over HTTP  {level_s * 1000:8.1f} ms  ({ratio:.1f}x the baseline)",
                f"  expand a child         {expand_s * 1000:8.1f} ms  ({expand_s / base_s:.1f}x)",
                f"  baseline SELECT        {base_s * 1000:8.1f} ms",
            ]
        finally:
            db.dispose()


def main(argv: list[str]) -> int:
    """Run the web BOM benchmark and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench web_bom")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--fanout", default="100,10,10,10", help="children per level")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL)
    args = parser.parse_args(argv)
    fanout = [int(x) for x in args.fanout.split(",")]
    for backend in args.backends.split(","):
        for line in run_backend(backend, fanout, args.repeat, args.pg_admin_url):
            print(line, flush=True)
    return 0
