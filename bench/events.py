"""Custom actions and webhooks under load: ECO moves with 0, 5 and 20 matching rules against
the same moves with no rules, and signed webhook deliveries per second to a loopback receiver.

python -m bench events [--moves 200] [--deliveries 300] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from bench.common import PG_ADMIN_URL, bench_settings, throwaway_database
from yuantus.core import migrate
from yuantus.core.db import Database
from yuantus.domains import load_domains
from yuantus.eco import flow
from yuantus.eco import service as eco_service
from yuantus.eco.models import EcoStage
from yuantus.eco.stages import ensure_default_stages
from yuantus.event import service as events
from yuantus.identity import service as identity
from yuantus.item import service as items
from yuantus.job.config import JobSettings
from yuantus.job.worker import Worker
from yuantus.workflow_action import service as actions
from yuantus.workflow_action.models import ActionRule
from yuantus.workflow_action.schemas import RuleWrite

FAST = JobSettings(backoff_base=0, backoff_cap=0, batch_max=64)


class _Ok(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        """Quiet."""


def _setup(db: Database) -> tuple[str, dict[str, str]]:
    """A released product, an ECO with its target, and the stage ids by name."""
    with db.scope() as s:
        eng = identity.create_user(s, "eng", "engineer-pw-123", roles=["engineer"])
        approver = identity.create_user(s, "appr", "approver-pw-123", roles=["approver"])
        product = items.create(s, "Part", "Gearbox", item_number="GB-1", user=eng)
        items.transition(s, product, "submit", eng)
        items.transition(s, product, "release", approver)
        ensure_default_stages(s)
        eco = eco_service.create_eco(
            s, name="bench", eco_type="bom", product_id=product.id, user=eng
        )
        eco_service.action_new_revision(s, eco, eng)
        stage_ids = {st.name: st.id for st in s.scalars(select(EcoStage))}
        return eco.id, stage_ids


def _rules(db: Database, count: int, *, matching: bool = True) -> None:
    """`count` emit_event rules on ECO moves; not matching: they wait for another stage."""
    with db.scope() as s:
        s.execute(delete(ActionRule))
        for index in range(count):
            actions.upsert(
                s,
                RuleWrite(
                    name=f"bench-{index:02d}",
                    target_object="ECO",
                    to_state=None if matching else "Done",
                    trigger_phase="after",
                    action_type="emit_event",
                    action_params={"event_type": "bench.moved"},
                    fail_strategy="warn",
                    priority=index,
                ),
            )


def _moves(db: Database, eco_id: str, stages: dict[str, str], moves: int) -> float:
    """Moves per second, back and forth between New and Engineering Review."""
    order = ["Engineering Review", "New"]
    started = time.perf_counter()
    for index in range(moves):
        with db.scope() as s:
            eco = flow.get(s, eco_id)
            stage = s.get(EcoStage, stages[order[index % 2]])
            assert stage is not None
            flow.move_to_stage(s, eco, stage, identity.get_by_username(s, "eng"))
    return moves / (time.perf_counter() - started)


def _deliveries(db: Database, count: int) -> float:
    """Signed deliveries per second from a drained queue to a loopback receiver."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with db.scope() as s:
            admin = identity.create_user(s, "wh-admin", "admin-pw-12345", roles=["admin"])
            events.create_subscription(
                s,
                db.settings,
                url=f"http://127.0.0.1:{server.server_port}/hook",
                event_types=["bench.delivery"],
                secret=None,
                description="bench",
                is_active=True,
                user=admin,
            )
            for index in range(count):
                events.emit(s, "bench.delivery", payload={"n": index})
        worker = Worker(db, concurrency=4, once=True, poll_interval=0.01, config=FAST)
        started = time.perf_counter()
        worker.start()
        worker.join(timeout=600)
        elapsed = time.perf_counter() - started
        done, failed = worker.counts()
        if failed:
            print(f"    ({failed} deliveries failed)")
        return done / elapsed
    finally:
        server.shutdown()
        server.server_close()


def run(backend: str, moves: int, deliveries: int) -> None:
    """One backend's figures."""
    load_domains()
    with (
        tempfile.TemporaryDirectory() as tmp,
        throwaway_database(backend, PG_ADMIN_URL, Path(tmp), "events") as url,
    ):
        db = Database(bench_settings(url, Path(tmp)))
        migrate.upgrade(db.engine)
        eco_id, stages = _setup(db)
        _moves(db, eco_id, stages, 10)  # warm-up
        # the event log's hook runs in every case: it is part of a transition now
        base = _moves(db, eco_id, stages, moves)
        print(f"{backend}: ECO moves, no rules          {base:7.1f}/s  (baseline)")
        for count in (0, 5, 20):
            _rules(db, count)
            rate = _moves(db, eco_id, stages, moves)
            print(
                f"{backend}: ECO moves, {count:2d} matching rules {rate:7.1f}/s  "
                f"ratio {rate / base:4.2f}x"
            )
        rate = _deliveries(db, deliveries)
        print(f"{backend}: webhook deliveries            {rate:7.1f}/s  ({deliveries} events)")
        db.dispose()


def main(argv: list[str]) -> int:
    """Parse the arguments and run each backend."""
    parser = argparse.ArgumentParser(prog="python -m bench events")
    parser.add_argument("--moves", type=int, default=200)
    parser.add_argument("--deliveries", type=int, default=300)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    for backend in args.backends.split(","):
        run(backend, args.moves, args.deliveries)
    return 0
