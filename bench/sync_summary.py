"""The doc-sync summary over a busy window: the grouped query against loading every job.

python -m bench sync_summary [--jobs 20000] [--backends sqlite,postgresql]

The window holds --jobs sync jobs over 4 sites, each with the per-document results a real
50-document push stores. The baseline, measured in the same run, is what the summary did
before: load every job of the window and count and sum them in Python.
"""

from __future__ import annotations

import argparse
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bench.common import PG_ADMIN_URL, bench_settings, median_seconds, throwaway_database
from yuantus.core import migrate
from yuantus.core.db import Database, utcnow
from yuantus.doc_sync.models import RemoteSite, SyncJobLink
from yuantus.doc_sync.summary import summary
from yuantus.domains import load_domains
from yuantus.job.models import JOB_STATUSES, Job

SITES = 4
DOCS_PER_JOB = 50


def _fill(db: Database, jobs: int) -> None:
    """Sites and their sync jobs, spread over the last six days, in bulk inserts."""
    now = utcnow()
    with db.scope() as s:
        sites = [
            RemoteSite(
                name=f"plant-{i}",
                endpoint="http://127.0.0.1:9",
                # never decrypted here: the summary reads no secret
                auth_secret_ciphertext="not-a-fernet-token",  # noqa: S106
            )
            for i in range(SITES)
        ]
        s.add_all(sites)
        s.flush()
        site_ids = [site.id for site in sites]
    documents = [
        {
            "document": str(uuid.uuid4()),
            "item_number": f"DOC-{n:05d}",
            "revision": "A",
            "result": "created",
            "local_item_id": str(uuid.uuid4()),
        }
        for n in range(DOCS_PER_JOB)
    ]
    for start in range(0, jobs, 2000):
        job_rows: list[dict[str, Any]] = []
        link_rows: list[dict[str, Any]] = []
        for n in range(start, min(start + 2000, jobs)):
            job_id = str(uuid.uuid4())
            created = now - timedelta(seconds=n * 20)
            status = JOB_STATUSES[n % 5 if n % 5 < 4 else 2]
            outcome = {"bytes_sent": 1_048_576 * (n % 7), "documents": documents}
            job_rows.append(
                {
                    "id": job_id,
                    "task_type": "document_sync_push",
                    "payload": {"document_ids": [d["document"] for d in documents]},
                    "status": status,
                    "result": outcome if status == "completed" else None,
                    "progress": None if status == "completed" else outcome,
                    "created_at": created,
                }
            )
            link_rows.append(
                {
                    "job_id": job_id,
                    "site_id": site_ids[n % SITES],
                    "direction": "push" if n % 3 else "pull",
                    "document_count": DOCS_PER_JOB,
                    "idempotency_key": job_id,
                    "created_at": created,
                }
            )
        with db.scope() as s:
            s.execute(insert(Job), job_rows)
            s.execute(insert(SyncJobLink), link_rows)


def _python_tally(db: Database) -> None:
    """The baseline: every job of the window loaded, counted and summed in Python."""
    since = utcnow() - timedelta(days=7)
    with db.scope() as s:
        query = (
            select(Job, SyncJobLink)
            .join(SyncJobLink, SyncJobLink.job_id == Job.id)
            .where(SyncJobLink.created_at >= since)
            .order_by(SyncJobLink.created_at, SyncJobLink.job_id)
        )
        rows = list(s.execute(query))
        sent: dict[str, int] = {}
        for job, link in rows:
            outcome = job.result or job.progress or {}
            sent[link.site_id] = sent.get(link.site_id, 0) + int(outcome.get("bytes_sent", 0))


def _summary(db: Database) -> None:
    with db.scope() as s:
        summary(s, 7)


def run(backend: str, jobs: int) -> None:
    """One backend's figures."""
    load_domains()
    with (
        tempfile.TemporaryDirectory() as tmp,
        throwaway_database(backend, PG_ADMIN_URL, Path(tmp), "syncsum") as url,
    ):
        db = Database(bench_settings(url, Path(tmp)))
        migrate.upgrade(db.engine)
        _fill(db, jobs)
        base = median_seconds(lambda: _python_tally(db), 5)
        grouped = median_seconds(lambda: _summary(db), 5)
        print(f"{backend}: {jobs} jobs, load and sum in Python  {base * 1000:8.1f} ms  (baseline)")
        print(
            f"{backend}: {jobs} jobs, GET summary (grouped)   {grouped * 1000:8.1f} ms  "
            f"ratio {grouped / base:5.3f}x"
        )
        db.dispose()


def main(argv: list[str]) -> int:
    """Parse the arguments and run each backend."""
    parser = argparse.ArgumentParser(prog="python -m bench sync_summary")
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    for backend in args.backends.split(","):
        run(backend, args.jobs)
    return 0
