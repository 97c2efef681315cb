"""Breakage metrics over many incidents, against the bare GROUP BY queries in the same run.

python -m bench breakage [--incidents 1000000] [--components 5000] [--backends sqlite,postgresql]
                         [--repeat 5]

The baseline runs the same aggregations as plain SQL through the database driver (no ORM, no
answer model); the ratio is the service's metrics() time over the baseline's.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from bench.common import PG_ADMIN_URL, bench_settings, median_seconds, throwaway_database
from yuantus.breakage import metrics
from yuantus.breakage.models import RESPONSIBILITIES, SEVERITIES, STATES, BreakageIncident
from yuantus.breakage.service import BreakageFilter
from yuantus.core import migrate
from yuantus.core.db import Database, new_id
from yuantus.item.models import Item

START = datetime(2026, 1, 1, tzinfo=UTC)
MODES = ("weld crack", "thread stripped", "spoke snapped", "paint scratch", "bearing noise")
# the aggregations metrics() runs, as bare SQL: total, repeats, hotspots, four counts, trend
BARE = (
    "SELECT count(*) FROM meta_breakage_incidents WHERE {w}",
    "SELECT sum(n), count(*) FROM (SELECT count(*) AS n FROM meta_breakage_incidents WHERE {w}"
    " GROUP BY product_config_id, signature HAVING count(*) > 1) AS g",
    "SELECT component_config_id, component_number, count(*) FROM meta_breakage_incidents"
    " WHERE {w} GROUP BY 1, 2 ORDER BY 3 DESC, 2 LIMIT 10",
    "SELECT status, count(*) FROM meta_breakage_incidents WHERE {w} GROUP BY 1",
    "SELECT severity, count(*) FROM meta_breakage_incidents WHERE {w} GROUP BY 1",
    "SELECT responsibility, count(*) FROM meta_breakage_incidents WHERE {w} GROUP BY 1",
    "SELECT failure_mode, count(*) FROM meta_breakage_incidents WHERE {w} GROUP BY 1",
    "SELECT occurred_on, count(*) FROM meta_breakage_incidents WHERE {w} GROUP BY 1 ORDER BY 1",
)


def _items(db: Database, components: int) -> tuple[str, list[tuple[str, str]]]:
    """One product and the components, inserted in bulk; (product config, [(config, number)])."""
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    for index in range(components + 1):
        config = new_id()
        number = "BENCH-PRODUCT" if index == 0 else f"C-{index:05d}"
        rows.append(
            {
                "id": config,
                "item_type": "Part",
                "config_id": config,
                "item_number": number,
                "revision": "A",
                "generation": 1,
                "is_current": True,
                "state": "Released",
                "name": number,
                "properties": {},
                "created_at": now,
                "updated_at": now,
            }
        )
    with db.scope() as s:
        s.execute(insert(Item), rows)
    return str(rows[0]["id"]), [(str(r["id"]), str(r["item_number"])) for r in rows[1:]]


def _fill(db: Database, count: int, components: int) -> tuple[str, str]:
    """Insert `count` incidents spread over a year; answers (product id, a hot component id)."""
    product, parts = _items(db, components)
    rng = random.Random(7)
    now = datetime.now(UTC)
    batch: list[dict[str, Any]] = []
    weights = [1.0 / (i + 1) for i in range(len(parts))]  # a few components fail most
    chosen = rng.choices(parts, weights=weights, k=count)
    for index, (config, number) in enumerate(chosen):
        at = START + timedelta(minutes=rng.randrange(365 * 24 * 60))
        mode = rng.choice(MODES) if rng.random() < 0.7 else None
        batch.append(
            {
                "id": new_id(),
                "number": f"BRK-{index + 1:07d}",
                "product_item_id": product,
                "product_config_id": product,
                "product_number": "BENCH-PRODUCT",
                "component_item_id": config,
                "component_config_id": config,
                "component_number": number,
                "description": f"failure {rng.randrange(5000)}",
                "failure_mode": mode,
                "signature": mode or f"failure {rng.randrange(5000)}",
                "quantity": 1 + rng.randrange(3),
                "responsibility": rng.choice(RESPONSIBILITIES),
                "severity": rng.choice(SEVERITIES),
                "status": rng.choice(STATES),
                "occurred_at": at,
                "occurred_on": at.date(),
                "created_at": now,
                "updated_at": now,
            }
        )
        if len(batch) == 20_000:
            _flush(db, batch)
    _flush(db, batch)
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    return product, parts[0][0]


def _flush(db: Database, batch: list[dict[str, Any]]) -> None:
    if batch:
        with db.scope() as s:
            s.execute(insert(BreakageIncident), batch)
        batch.clear()


def _bare(db: Database, where: str, params: dict[str, Any]) -> None:
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for sql in BARE:
            cursor.execute(sql.format(w=where), params)
            cursor.fetchall()
    finally:
        raw.close()


def run(backend: str, count: int, components: int, repeat: int) -> None:
    """Fill one database and print the metrics timings against the bare queries."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        throwaway_database(backend, PG_ADMIN_URL, Path(tmp), "breakage") as url,
    ):
        db = Database(bench_settings(url, Path(tmp)))
        migrate.upgrade(db.engine)
        started = time.perf_counter()
        _product, hot = _fill(db, count, components)
        print(
            f"{backend}: {count:,} incidents on {components:,} components "
            f"loaded in {time.perf_counter() - started:.1f} s"
        )
        mark = ":" if backend == "sqlite" else "%("
        end = ")s" if backend != "sqlite" else ""
        window_from, window_to = START + timedelta(days=90), START + timedelta(days=120)

        def stored(moment: datetime) -> object:
            # SQLite keeps naive UTC text; PostgreSQL takes the aware value
            return moment.replace(tzinfo=None).isoformat(sep=" ") if backend == "sqlite" else moment

        cases: list[tuple[str, BreakageFilter, str, dict[str, Any]]] = [
            ("no filter", BreakageFilter(), "1 = 1", {}),
            (
                "hot component",
                BreakageFilter(component_item_id=hot),
                f"component_config_id = {mark}c{end}",
                {"c": hot},
            ),
            (
                "30-day window",
                BreakageFilter(occurred_from=window_from, occurred_to=window_to),
                f"occurred_at >= {mark}a{end} AND occurred_at < {mark}b{end}",
                {"a": stored(window_from), "b": stored(window_to)},
            ),
        ]
        for name, where, sql_where, params in cases:

            def service_call(w: BreakageFilter = where) -> None:
                with db.scope() as s:
                    metrics.metrics(s, w).model_dump()

            ours = median_seconds(service_call, repeat)

            def bare_call(sw: str = sql_where, p: dict[str, Any] = params) -> None:
                _bare(db, sw, p)

            bare = median_seconds(bare_call, repeat)
            print(
                f"  {name:14s} metrics {ours * 1000:8.1f} ms   bare GROUP BY {bare * 1000:8.1f} ms"
                f"   ratio {ours / bare:4.2f}x"
            )
        db.dispose()


def main(argv: list[str]) -> int:
    """Parse the arguments and run each backend."""
    parser = argparse.ArgumentParser(prog="python -m bench breakage")
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--components", type=int, default=5_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    for backend in args.backends.split(","):
        run(backend, args.incidents, args.components, args.repeat)
    return 0
