"""Item search benchmark: `q` over 100,000 items vs a bare indexed lookup in the same run.

python -m bench search [--backends sqlite,postgresql] [--items 100000] [--runs 200]
                       [--pg-admin-url URL]

Each case runs the item list exactly as GET /items does (filters, `q`, count, one page of
50, default sort) through `yuantus.item.listing.list_items`; the baseline is a bare
`item_number = ?` SELECT on its index. Figures are p50/p95 in milliseconds of `--runs`
runs, and the ratio of each p50 to the baseline's p50.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

import yuantus.models  # noqa: F401 - the full metadata
from bench.common import PG_ADMIN_URL, bench_settings, throwaway_database
from yuantus.core import migrate
from yuantus.core.db import Database, new_id, utcnow
from yuantus.core.pagination import PageParams
from yuantus.item.listing import list_items
from yuantus.item.models import Item
from yuantus.item.searchtext import search_text

CHUNK = 5000
NOUNS = ("bracket", "bolt", "washer", "housing", "shaft", "gear", "cover", "spacer", "pin", "nut")
ADJECTIVES = ("steel", "aluminium", "brass", "plastic", "hex", "flat", "round", "long", "short")
MATERIALS = ("S235", "S355", "AlMg3", "CuZn37", "PA6", "POM", "1.4301", "42CrMo4")
# a rare material: the selective query finds these few
RARE = "Inconel718"
RARE_EVERY = 10_000


def _row(n: int, rng: random.Random) -> dict[str, Any]:
    now = utcnow()
    name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {n % 97}"
    material = RARE if n % RARE_EVERY == 0 else rng.choice(MATERIALS)
    properties = {"material": material, "thickness": n % 13, "supplier": f"SUP-{n % 400}"}
    description = f"machined part, batch {n % 1000}" if n % 3 == 0 else None
    number = f"P-{n:06d}"
    return {
        "id": new_id(), "item_type": "Part", "config_id": new_id(), "item_number": number,
        "revision": "A", "generation": 1, "is_current": True, "state": "Released",
        "name": name, "description": description, "properties": properties,
        "created_by": None, "released_at": now, "superseded_at": None, "effective_from": now,
        "created_at": now, "updated_at": now,
        "search_text": search_text(number, name, description, properties),
    }  # fmt: skip


def build(db: Database, count: int) -> float:
    """Bulk insert `count` items (the FTS triggers fire on SQLite); answer the seconds."""
    rng = random.Random(12)
    started = time.perf_counter()
    with db.scope() as session:
        for first in range(1, count + 1, CHUNK):
            rows = [_row(n, rng) for n in range(first, min(count, first + CHUNK - 1) + 1)]
            session.execute(insert(Item), rows)
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE meta_items" if db.dialect == "postgresql" else "ANALYZE"))
        conn.commit()
    return time.perf_counter() - started


def _timings(db: Database, fn: Callable[[Session], Any], runs: int) -> tuple[float, float, Any]:
    """p50 and p95 milliseconds of `runs` runs (after one warm-up), and the last result."""
    samples = []
    result: Any = None
    with db.scope() as session:
        fn(session)
        for _ in range(runs):
            started = time.perf_counter()
            result = fn(session)
            samples.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(samples, n=20)
    return statistics.median(samples), cuts[18], result


def _scan(word: str) -> Callable[[Session], Any]:
    """The search without its index: LIKE over the search text column (what FTS replaces)."""

    def run(session: Session) -> Any:
        query = select(Item).where(Item.search_text.contains(word, autoescape=True))
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        rows = list(session.scalars(query.order_by(Item.item_number).limit(50)))
        return rows, total

    return run


def run_backend(backend: str, count: int, runs: int, admin_url: str) -> list[str]:
    """Build the items on one backend and measure each case; the report lines."""
    page = PageParams(limit=50)
    with (
        tempfile.TemporaryDirectory() as tmp,
        throwaway_database(backend, admin_url, Path(tmp), "search") as url,
    ):
        db = Database(bench_settings(url, Path(tmp)))
        try:
            migrate.upgrade(db.engine)
            build_s = build(db, count)
            middle = f"P-{count // 2:06d}"
            s355 = [("material", "S355")]

            def baseline(session: Session) -> Any:
                return session.scalars(select(Item).where(Item.item_number == middle)).all()

            cases: list[tuple[str, Callable[[Session], Any]]] = [
                (f"baseline number = {middle}", baseline),
                ("q=inconel (selective)", lambda s: list_items(s, page, q="inconel")),
                ("q=p-05000 (number)", lambda s: list_items(s, page, q="p-05000")),
                ("q=brass washer", lambda s: list_items(s, page, q="brass washer")),
                ("q=bracket (10% match)", lambda s: list_items(s, page, q="bracket")),
                ("q=42 (2 chars: scan)", lambda s: list_items(s, page, q="42")),
                ("prop.material=S355", lambda s: list_items(s, page, properties=s355)),
                ("no index: LIKE inconel", _scan("inconel")),
            ]  # fmt: skip
            out = [
                f"{backend}: {count:,} items inserted in {build_s:.1f} s; {runs} runs per case",
                f"{'case':<28} {'p50 ms':>9} {'p95 ms':>9} {'p50 x':>8}  matches",
            ]
            base = 0.0
            for label, fn in cases:
                p50, p95, result = _timings(db, fn, runs)
                base = base or p50
                found = result[1] if isinstance(result, tuple) else len(result)
                out.append(f"{label:<28} {p50:>9.2f} {p95:>9.2f} {p50 / base:>8.1f}  {found:,}")
            return out
        finally:
            db.dispose()


def main(argv: list[str]) -> int:
    """Run the search benchmark and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench search")
    parser.add_argument(
        "--backends",
        default="sqlite,postgresql" if os.environ.get("YUANTUS_BENCH_POSTGRES_URL") else "sqlite",
    )
    parser.add_argument("--pg", action="store_true", help="add postgresql to the backends")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument(
        "--pg-admin-url", default=os.environ.get("YUANTUS_BENCH_POSTGRES_URL", PG_ADMIN_URL)
    )
    args = parser.parse_args(argv)
    backends = args.backends.split(",")
    if args.pg and "postgresql" not in backends:
        backends.append("postgresql")
    for backend in backends:
        for line in run_backend(backend, args.items, args.runs, args.pg_admin_url):
            print(line, flush=True)
        print()
    return 0
