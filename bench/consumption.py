"""The consumption dashboard over many records, against the bare GROUP BY in the same run.

python -m bench consumption [--records 1000000] [--materials 2000]
                            [--backends sqlite,postgresql] [--repeat 3]

Records are bulk-loaded (SQLite: executemany on the driver; PostgreSQL: COPY). The baseline
is the dashboard's aggregation as plain SQL through the driver (records joined to their plan,
in its period, summed per material, uom and ISO week), with no planned side and no answer; the
ratio is the dashboard's time (SQL sums, planned per bucket, names, all cells sorted by worst
variance, the first page of 50 answered) over it.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from bench.common import PG_ADMIN_URL, bench_settings, median_seconds, throwaway_database
from yuantus.consumption import dashboard
from yuantus.consumption.models import ConsumptionPlan
from yuantus.core import migrate
from yuantus.core.db import Database, new_id
from yuantus.item.models import Item

START = date(2026, 1, 5)  # a Monday
END = date(2026, 12, 27)  # a Sunday: 51 ISO weeks
_COLUMNS = (
    "id, plan_id, quantity, uom, plan_quantity, source_type, source_id, recorded_at, "
    "recorded_on, properties, created_at"
)
BARE = {
    "sqlite": "SELECT p.item_config_id, p.uom, date(r.recorded_on, '-6 days', 'weekday 1'),"
    " sum(r.plan_quantity) FROM meta_consumption_records r JOIN meta_consumption_plans p"
    " ON p.id = r.plan_id WHERE p.state IN ('active', 'closed') AND r.recorded_on >="
    " p.period_start AND r.recorded_on <= p.period_end GROUP BY 1, 2, 3",
    "postgresql": "SELECT p.item_config_id, p.uom, date_trunc('week', r.recorded_on)::date,"
    " sum(r.plan_quantity) FROM meta_consumption_records r JOIN meta_consumption_plans p"
    " ON p.id = r.plan_id WHERE p.state IN ('active', 'closed') AND r.recorded_on >="
    " p.period_start AND r.recorded_on <= p.period_end GROUP BY 1, 2, 3",
}


def _plans(db: Database, materials: int) -> list[str]:
    """One material item and one active weekly plan per material; the plan ids."""
    now = datetime.now(UTC)
    items, plans = [], []
    for index in range(materials):
        config = new_id()
        number = f"MAT-{index:05d}"
        items.append(
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
        plans.append(
            {
                "id": new_id(),
                "name": f"{number} weekly",
                "item_id": config,
                "item_config_id": config,
                "period_unit": "week",
                "period_start": START,
                "period_end": END,
                "planned_quantity": 10 + index % 7,
                "uom": "KG",
                "state": "active",
                "under_threshold": "0.9",
                "over_threshold": "1.1",
                "properties": {},
                "created_at": now,
                "updated_at": now,
            }
        )
    with db.scope() as s:
        s.execute(insert(Item), items)
        s.execute(insert(ConsumptionPlan), plans)
    return [str(p["id"]) for p in plans]


def _rows(plan_ids: list[str], count: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(18)
    days = (END - START).days + 20  # a few records fall after the period
    now = datetime.now(UTC)
    for _ in range(count):
        day = START + timedelta(days=rng.randrange(days))
        qty = f"{rng.randrange(1, 4000) / 1000:.3f}".rstrip("0").rstrip(".")
        at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        yield (new_id(), rng.choice(plan_ids), qty, "KG", qty, "workorder", None, at, day, now)


def _load_sqlite(db: Database, rows: Iterator[tuple[Any, ...]]) -> None:
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        sql = f"INSERT INTO meta_consumption_records ({_COLUMNS}) VALUES ({', '.join('?' * 11)})"

        def sqlite_row(r: tuple[Any, ...]) -> tuple[Any, ...]:
            at, day, now = r[7], r[8], r[9]
            return (
                *r[:7],
                at.strftime("%Y-%m-%d %H:%M:%S.000000"),
                day.isoformat(),
                "{}",
                now.strftime("%Y-%m-%d %H:%M:%S.000000"),
            )

        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(sqlite_row(row))
            if len(batch) == 50_000:
                cursor.executemany(sql, batch)
                batch.clear()
        cursor.executemany(sql, batch)
        raw.commit()
    finally:
        raw.close()


def _load_postgresql(db: Database, rows: Iterator[tuple[Any, ...]]) -> None:
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY meta_consumption_records ({_COLUMNS}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row((*r[:9], "{}", r[9]))
        raw.commit()
    finally:
        raw.close()


def run(backend: str, count: int, materials: int, repeat: int) -> None:
    """Fill one database and print the dashboard's time against the bare GROUP BY."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        throwaway_database(backend, PG_ADMIN_URL, Path(tmp), "consumption") as url,
    ):
        db = Database(bench_settings(url, Path(tmp)))
        migrate.upgrade(db.engine)
        started = time.perf_counter()
        plan_ids = _plans(db, materials)
        load = _load_sqlite if backend == "sqlite" else _load_postgresql
        load(db, _rows(plan_ids, count))
        with db.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
        print(
            f"{backend}: {count:,} records on {materials:,} materials "
            f"loaded in {time.perf_counter() - started:.1f} s"
        )

        def ours() -> int:
            with db.scope() as s:
                # what GET /consumption/dashboard does: every cell, sorted, one page answered
                _rows, total = dashboard.rows(
                    s,
                    bucket="week",
                    item_id=None,
                    first=None,
                    last=None,
                    sort="-variance",
                    limit=50,
                )
                return total

        def bare() -> int:
            raw = db.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute(BARE[backend])
                return len(cursor.fetchall())
            finally:
                raw.close()

        cells = ours()
        mine, base = median_seconds(ours, repeat), median_seconds(bare, repeat)
        print(
            f"  dashboard ({cells:,} material-weeks) {mine * 1000:8.1f} ms   "
            f"bare GROUP BY {base * 1000:8.1f} ms   ratio {mine / base:4.2f}x"
        )
        db.dispose()


def main(argv: list[str]) -> int:
    """Parse the arguments and run each backend."""
    parser = argparse.ArgumentParser(prog="python -m bench consumption")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--materials", type=int, default=2_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    for backend in args.backends.split(","):
        run(backend, args.records, args.materials, args.repeat)
    return 0
