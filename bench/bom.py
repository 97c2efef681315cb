"""BOM benchmark: ~100,000 lines; explosion, where-used, compare, delta CSV vs a plain SELECT.

python -m bench bom [--backends sqlite,postgresql] [--fanout 100,10,10,10] [--repeat 3]
                    [--rules latest,released,as_of]

Explosion, where-used and compare run once per revision rule (children resolved to the
current revision, the current Released one, or the one effective at a time).
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

import yuantus.models  # noqa: F401 - the full metadata
from bench.common import PG_ADMIN_URL, bench_settings, throwaway_database
from yuantus.bom import service
from yuantus.bom.compare import compare_boms
from yuantus.bom.delta import build_delta_preview, export_delta_csv
from yuantus.bom.models import BomLine
from yuantus.core import migrate
from yuantus.core.db import Database, new_id, utcnow
from yuantus.item.models import Item
from yuantus.item.revision_rules import RULE_KINDS, RevisionRule

CHUNK = 5000


@dataclass
class Product:
    """The synthetic product: top revisions A and B, one leaf, line count."""

    top_a: str
    top_b: str
    leaf: str
    lines: int
    changed_lines: int


def _item(config_id: str, number: str, revision: str, state: str, current: bool) -> dict[str, Any]:
    now = utcnow()
    return {
        "id": new_id(), "item_type": "Part", "config_id": config_id, "item_number": number,
        "revision": revision, "generation": 1 if revision == "A" else 2, "is_current": current,
        "state": state, "name": number, "description": None, "properties": {},
        "created_by": None, "released_at": now, "superseded_at": None,
        "effective_from": now if state == "Released" else None,
        "created_at": now, "updated_at": now,
    }  # fmt: skip


def _line(parent: str, child_config: str, qty: Decimal, seq: int) -> dict[str, Any]:
    now = utcnow()
    return {
        "id": new_id(), "parent_item_id": parent, "child_config_id": child_config,
        "quantity": qty, "uom": "EA", "find_num": str(seq), "refdes": [], "sequence": seq,
        "notes": None, "properties": {}, "created_at": now, "updated_at": now,
    }  # fmt: skip


def _bulk(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table), rows[start : start + CHUNK])


def build(db: Database, fanout: list[int]) -> Product:
    """Insert the synthetic product with core bulk inserts; top rev B differs in ~1% of lines."""
    items: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    top = _item(new_id(), "TOP", "A", "Released", True)
    items.append(top)
    level = [top]
    for depth, width in enumerate(fanout, start=1):
        below = []
        for parent in level:
            for i in range(width):
                child = _item(new_id(), f"{parent['item_number']}-{i}", "A", "Released", True)
                below.append(child)
                lines.append(
                    _line(parent["id"], child["config_id"], Decimal(1 + i % 3), 10 * (i + 1))
                )
        items.extend(below)
        level = below
        del depth
    leaf = level[-1]["id"]
    # revision B of the top: one level-1 sub-assembly dropped (~1% of all lines when the
    # first fan-out is 100), five quantities changed, one new leaf added
    top_b = _item(top["config_id"], "TOP", "B", "Draft", False)
    new_leaf = _item(new_id(), "TOP-NEW", "A", "Released", True)
    items += [top_b, new_leaf]
    top_lines = [ln for ln in lines if ln["parent_item_id"] == top["id"]]
    b_lines = []
    for n, ln in enumerate(top_lines[1:]):
        qty = ln["quantity"] + 1 if n < 5 else ln["quantity"]
        b_lines.append(_line(top_b["id"], ln["child_config_id"], qty, ln["sequence"]))
    b_lines.append(_line(top_b["id"], new_leaf["config_id"], Decimal(4), 10_000))
    with db.scope() as session:
        _bulk(session, Item.__table__, items)
        _bulk(session, BomLine.__table__, lines + b_lines)
    subtree = sum(_prod(fanout[1:k]) for k in range(1, len(fanout) + 1))
    if db.dialect == "postgresql":
        with db.engine.connect() as conn:
            conn.execute(text("ANALYZE meta_items"))
            conn.execute(text("ANALYZE meta_bom_lines"))
            conn.commit()
    return Product(top["id"], top_b["id"], leaf, len(lines), subtree + 5 + 1)


def _prod(values: list[int]) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def _measure(db: Database, fn: Callable[[Session], Any], repeat: int) -> tuple[float, float, Any]:
    """Best wall time of `repeat` runs, then peak traced memory (MiB) of one more run."""
    best = float("inf")
    result: Any = None
    for _ in range(repeat):
        with db.scope() as session:
            gc.collect()
            started = time.perf_counter()
            result = fn(session)
            best = min(best, time.perf_counter() - started)
    result = None
    with db.scope() as session:
        gc.collect()
        tracemalloc.start()
        result = fn(session)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return best, peak / 2**20, result


def _baseline(session: Session) -> list[dict[str, Any]]:
    """One plain SELECT of every BOM line row into dicts."""
    return [dict(row) for row in session.execute(select(BomLine.__table__)).mappings()]


def run_backend(
    backend: str, fanout: list[int], repeat: int, admin_url: str, rules: list[str]
) -> list[str]:
    """Build the product on one backend and measure every operation; the report lines."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        throwaway_database(backend, admin_url, Path(tmp), "bom") as url,
    ):
        db = Database(bench_settings(url, Path(tmp)))
        try:
            migrate.upgrade(db.engine)
            started = time.perf_counter()
            product = build(db, fanout)
            build_s = time.perf_counter() - started
            with db.scope() as s:
                total = s.scalar(select(func.count()).select_from(BomLine)) or 0

            def get(session: Session, item_id: str) -> Item:
                item = session.get(Item, item_id)
                assert item is not None
                return item

            # as_of: a moment after every revision of the product took effect
            at = utcnow()

            def rule_of(kind: str) -> RevisionRule:
                return RevisionRule("as_of", at) if kind == "as_of" else RevisionRule(kind)  # type: ignore[arg-type]

            def explode(rule: RevisionRule) -> Callable[[Session], Any]:
                return lambda s: service.explode_flat(s, get(s, product.top_a), rule=rule)

            def where_used(rule: RevisionRule) -> Callable[[Session], Any]:
                return lambda s: service.where_used(s, get(s, product.leaf), rule=rule)

            def compare(rule: RevisionRule) -> Callable[[Session], Any]:
                return lambda s: compare_boms(
                    s, get(s, product.top_a), get(s, product.top_b), rule=rule
                )

            cases: list[tuple[str, Callable[[Session], Any]]] = [("baseline SELECT", _baseline)]
            for kind in rules:
                rule = rule_of(kind)
                cases += [
                    (f"explode flat {kind}", explode(rule)),
                    (f"where-used {kind}", where_used(rule)),
                    (f"compare {kind}", compare(rule)),
                ]
            out = [
                f"## {backend}: {total:,} lines in the table, {product.lines:,} under TOP A "
                f"(fan-out {fanout}), built in {build_s:.1f} s",
                f"{'operation':<22} {'seconds':>8} {'peak MiB':>9} {'ratio':>7}  result",
            ]
            base = 0.0
            comparison: dict[str, Any] = {}
            for name, fn in cases:
                seconds, peak, result = _measure(db, fn, repeat)
                if name == "baseline SELECT":
                    base = seconds
                    ratio, note = 1.0, f"{len(result):,} rows"
                elif name.startswith("compare"):
                    comparison = comparison or result
                    ratio = seconds / (2 * base)
                    note = f"vs 2x baseline (bar 4); summary {result['summary']}"
                else:
                    ratio = seconds / base
                    bar = " (bar 3)" if name.startswith("explode") else ""
                    note = f"{len(result):,} rows{bar}"
                out.append(f"{name:<22} {seconds:>8.3f} {peak:>9.1f} {ratio:>7.2f}  {note}")
            seconds, peak, csv_text = _measure(
                db, lambda _s: export_delta_csv(build_delta_preview(comparison)), repeat
            )
            share = 100 * product.changed_lines / product.lines
            out.append(
                f"{'delta preview + CSV':<22} {seconds:>8.3f} {peak:>9.1f} {seconds / base:>7.2f}  "
                f"{csv_text.count(chr(10)) - 1:,} CSV rows; "
                f"~{product.changed_lines:,} lines differ ({share:.1f}%)"
            )
            return out
        finally:
            db.dispose()


def main(argv: list[str]) -> int:
    """Run the BOM benchmark and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench bom")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--fanout", default="100,10,10,10", help="children per level")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL)
    parser.add_argument(
        "--rules", default=",".join(RULE_KINDS), help="revision rules to measure each case under"
    )
    args = parser.parse_args(argv)
    fanout = [int(x) for x in args.fanout.split(",")]
    rules = args.rules.split(",")
    unknown = sorted(set(rules) - set(RULE_KINDS))
    if unknown:
        parser.error(f"unknown rules {', '.join(unknown)}; allowed: {', '.join(RULE_KINDS)}")
    for backend in args.backends.split(","):
        for line in run_backend(backend, fanout, args.repeat, args.pg_admin_url, rules):
            print(line, flush=True)
        print()
    return 0
