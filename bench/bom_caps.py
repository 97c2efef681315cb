"""Structure caps benchmark: a doubling BOM; a page and a refusal vs the whole explosion.

python -m bench bom_caps [--backends sqlite,postgresql] [--levels 16] [--repeat 3]

Each part uses the next one twice, so `levels` levels hold 2^(levels+1) - 2 rows from
2 x levels lines (the review's 36-line BOM is --levels 18: 524,286 rows). The baseline is
the whole explosion built uncapped (what every call did before the caps), in the same run.

Measured at --levels 18 --repeat 1 (2 shared cores, other work running), seconds / peak MiB:
SQLite: whole 23.7 / 336, page of 50 first 0.175 / 0.7, middle 0.261, last 0.170, 413 0.217
(ratios 0.007-0.011); PostgreSQL: whole 42.8 / 359, pages 0.29 / 0.8 (middle, last), 413
0.263 (ratio 0.006); its first page, 4.8 s, was a collection over the whole case's rows,
still referenced then (fixed since).
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

import yuantus.models  # noqa: F401 - the full metadata
from bench.bom import _bulk, _item, _line, _measure
from bench.common import PG_ADMIN_URL, bench_settings, throwaway_database
from yuantus.bom import explosion
from yuantus.bom.limits import DEFAULT_LIMITS, StructureLimits
from yuantus.bom.models import BomLine
from yuantus.core import migrate
from yuantus.core.db import Database, new_id
from yuantus.core.errors import PayloadTooLarge
from yuantus.item.models import Item


def build(db: Database, levels: int) -> str:
    """Insert P0 .. P<levels>, each using the next twice; the top's id."""
    items = [_item(new_id(), f"P{n}", "A", "Released", True) for n in range(levels + 1)]
    lines = []
    for upper, lower in itertools.pairwise(items):
        lines.append(_line(upper["id"], lower["config_id"], Decimal(1), 10))
        lines.append(_line(upper["id"], lower["config_id"], Decimal(2), 20))
    with db.scope() as session:
        _bulk(session, Item.__table__, items)
        _bulk(session, BomLine.__table__, lines)
    top: str = items[0]["id"]
    return top


def run_backend(backend: str, levels: int, repeat: int, admin_url: str) -> list[str]:
    """Build the doubling BOM on one backend and measure each case; the report lines."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        throwaway_database(backend, admin_url, Path(tmp), "caps") as url,
    ):
        db = Database(bench_settings(url, Path(tmp)))
        try:
            migrate.upgrade(db.engine)
            top_id = build(db, levels)
            rows = 2 ** (levels + 1) - 2
            uncapped = StructureLimits(max_rows=10**12, max_depth=DEFAULT_LIMITS.max_depth)
            small = StructureLimits(max_rows=rows - 1, max_depth=DEFAULT_LIMITS.max_depth)

            def top(s: Session) -> Item:
                item = s.get(Item, top_id)
                assert item is not None
                return item

            def whole(s: Session) -> Any:
                return explosion.explode_flat(s, top(s), limits=uncapped)

            def page(offset: int) -> Any:
                return lambda s: explosion.flat_page(
                    s, top(s), limits=DEFAULT_LIMITS, offset=offset, limit=50
                )[0]

            def refused(s: Session) -> Any:
                try:
                    explosion.explode_flat(s, top(s), limits=small)
                except PayloadTooLarge as exc:
                    return exc.context
                raise AssertionError("the capped explosion was not refused")

            cases = [
                ("whole, uncapped", whole),
                ("page 50, first", page(0)),
                ("page 50, middle", page(rows // 2)),
                ("page 50, last", page(rows - 50)),
                ("over the cap: 413", refused),
            ]
            out = [
                f"## {backend}: {2 * levels} lines, {levels} levels, {rows:,} rows",
                f"{'case':<20} {'seconds':>8} {'peak MiB':>9} {'ratio':>7}  result",
            ]
            base = 0.0
            for name, fn in cases:
                seconds, peak, result = _measure(db, fn, repeat)
                base = base or seconds
                note = f"{len(result):,} rows" if isinstance(result, list) else str(result)
                # dropped before the next case: a collection over 500,000 live rows would be
                # timed as that case's work
                result = None
                out.append(
                    f"{name:<20} {seconds:>8.3f} {peak:>9.1f} {seconds / base:>7.3f}  {note}"
                )
            return out
        finally:
            db.dispose()


def main(argv: list[str]) -> int:
    """Run the structure caps benchmark and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench bom_caps")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--levels", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL)
    args = parser.parse_args(argv)
    for backend in args.backends.split(","):
        started = time.perf_counter()
        for line in run_backend(backend, args.levels, args.repeat, args.pg_admin_url):
            print(line, flush=True)
        print(f"({time.perf_counter() - started:.0f} s)\n", flush=True)
    return 0
