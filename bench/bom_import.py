"""BOM import benchmark: a sheet of N lines imported vs the same N add_child calls.

python -m bench bom_import [--backends sqlite,postgresql] [--lines 2000] [--parts 500]

The baseline adds the same lines one by one through `bom_service.add_child` (what N API
calls do inside the server, without HTTP); the import adds parsing, the part lookup, the
savepoint and its audit row. Also measured: the dry run, and the CSV/XLSX export of the
imported BOM.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

import yuantus.models  # noqa: F401 - the full metadata, the domains loaded
from bench.common import PG_ADMIN_URL, bench_settings, throwaway_database
from yuantus.bom import exporting, importing
from yuantus.bom import service as bom_service
from yuantus.core import migrate
from yuantus.core.db import Database
from yuantus.item import service as item_service


def _sheet(lines: int, parts: int) -> bytes:
    rows = ["child number,quantity,uom,find number"]
    rows += [f"P-{i % parts:05d},{(i % 7) + 0.5},EA,{i * 10}" for i in range(lines)]
    return ("\n".join(rows) + "\n").encode()


def _timed(db: Database, fn: Callable[[Session], Any]) -> tuple[float, Any]:
    with db.scope() as s:
        started = time.perf_counter()
        result = fn(s)
        return time.perf_counter() - started, result


def run_backend(backend: str, lines: int, parts: int, admin_url: str) -> list[str]:
    """Measure on one backend; the report lines."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        throwaway_database(backend, admin_url, Path(tmp), "bomimport") as url,
    ):
        db = Database(bench_settings(url, Path(tmp)))
        try:
            migrate.upgrade(db.engine)
            with db.scope() as s:
                for i in range(parts):
                    item_service.create(s, "Part", f"part {i}", item_number=f"P-{i:05d}")
                base_id = item_service.create(s, "Part", "baseline", item_number="BASE").id
                target_id = item_service.create(s, "Part", "imported", item_number="IMP").id
            sheet = _sheet(lines, parts)

            def baseline(s: Session) -> int:
                parent = item_service.get(s, base_id)
                found = item_service.current_by_numbers(
                    s, "Part", [f"P-{i:05d}" for i in range(parts)]
                )
                for i in range(lines):
                    bom_service.add_child(
                        s, parent, found[f"P-{i % parts:05d}"], f"{(i % 7) + 0.5}",
                        find_num=str(i * 10),
                    )  # fmt: skip
                return lines

            def run(dry: bool) -> Callable[[Session], Any]:
                return lambda s: importing.import_bom(
                    s, target_id, sheet, "bench.csv", dry_run=dry, max_rows=lines
                )

            base_s, _ = _timed(db, baseline)
            dry_s, dry = _timed(db, run(True))
            real_s, real = _timed(db, run(False))
            assert not dry.errors
            assert not real.errors
            assert len(real.lines) == lines

            def export(fmt: str) -> Callable[[Session], Any]:
                def go(s: Session) -> bytes:
                    item, _, rows, _ = bom_service.flat_for(s, target_id, -1)
                    return exporting.export_flat(item, rows, fmt)[0]

                return go

            csv_s, csv_bytes = _timed(db, export("csv"))
            xlsx_s, xlsx_bytes = _timed(db, export("xlsx"))
            return [
                f"## {backend}: {lines:,} lines over {parts:,} parts, {len(sheet):,} byte CSV",
                f"{'operation':<26} {'seconds':>8} {'ratio':>7}",
                f"{'baseline add_child x N':<26} {base_s:>8.3f} {1:>7.2f}",
                f"{'import dry run':<26} {dry_s:>8.3f} {dry_s / base_s:>7.2f}",
                f"{'import':<26} {real_s:>8.3f} {real_s / base_s:>7.2f}",
                f"{'export csv':<26} {csv_s:>8.3f} {csv_s / base_s:>7.2f}  {len(csv_bytes):,} B",
                f"{'export xlsx':<26} {xlsx_s:>8.3f} {xlsx_s / base_s:>7.2f}  "
                f"{len(xlsx_bytes):,} B",
            ]
        finally:
            db.dispose()


def main(argv: list[str]) -> int:
    """Run the BOM import benchmark and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench bom_import")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--parts", type=int, default=500)
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL)
    args = parser.parse_args(argv)
    for backend in args.backends.split(","):
        for line in run_backend(backend, args.lines, args.parts, args.pg_admin_url):
            print(line, flush=True)
        print()
    return 0
