"""`yuantus jobs ...` and `yuantus worker`: tables, retry/cancel, start line, -v; both databases."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from tests.cli_harness import Cli
from tests.conftest import make_settings
from yuantus.core.db import Database
from yuantus.job import service
from yuantus.job.models import Job
from yuantus.job.worker import Worker


def _enqueue(database: Database, task_type: str, payload: dict[str, object], **kw: object) -> str:
    with database.scope() as s:
        job = service.create_job(s, task_type, payload, **kw)  # type: ignore[arg-type]
        s.flush()
        return job.id


def _job(database: Database, job_id: str) -> Job:
    with database.scope() as s:
        job: Job = s.get_one(Job, job_id)
        s.expunge(job)
        return job


def test_worker_prints_its_start_line_and_a_line_per_batch(cli: Cli, database: Database) -> None:
    ids = [_enqueue(database, "echo", {"n": n}) for n in range(3)]
    fatal = _enqueue(database, "test_fatal", {})
    r = cli("worker", "--once", "-v", "--task-type", "echo", "--task-type", "test_fatal")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    url = database.engine.url.render_as_string(hide_password=True)
    assert re.fullmatch(
        rf"worker \S+: task types echo, test_fatal; concurrency 1; database {re.escape(url)}",
        lines[0],
    ), lines[0]
    batches = [line for line in lines if ": batch of " in line]
    pattern = r"\S+/0: batch of (\d+) \((.+)\): (\d+) completed, (\d+) failed in [\d.]+ s"
    parsed = [re.fullmatch(pattern, line) for line in batches]
    assert all(parsed), batches
    # 4 jobs, every one in exactly one batch: 3 echo completed, the fatal one failed
    assert sum(int(m.group(1)) for m in parsed if m) == 4
    assert sum(int(m.group(3)) for m in parsed if m) == 3
    assert sum(int(m.group(4)) for m in parsed if m) == 1
    assert re.fullmatch(r"worker \S+ stopped: 3 completed, 1 failed", lines[-1]), lines[-1]
    assert {_job(database, i).status for i in ids} == {"completed"}
    assert _job(database, fatal).status == "failed"
    quiet = cli("worker", "--once")
    assert [line for line in quiet.output.splitlines() if "batch of" in line] == []


def test_worker_for_unknown_task_types_is_a_clear_usage_error(cli: Cli) -> None:
    r = cli("worker", "--task-type", "cad_convert", "--task-type", "export", "--once")
    assert r.exit_code == 2
    assert r.output.startswith("unknown task types: cad_convert, export; known: ")
    assert "echo" in r.output
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_the_start_line_masks_the_database_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://plm:s3cret-db-pw@db.example:5432/plm"
    worker = Worker(Database(make_settings(tmp_path, url)), concurrency=4, task_types=["echo"])
    line = worker.describe()
    assert "s3cret-db-pw" not in line
    assert line.endswith(
        "task types echo; concurrency 4; database postgresql+psycopg://plm:***@db.example:5432/plm"
    )


def test_jobs_list_show_retry_cancel(cli: Cli, database: Database) -> None:
    pending = _enqueue(database, "echo", {"order": "WO-00001"}, priority=5)
    fatal = _enqueue(database, "test_fatal", {}, max_attempts=1)
    assert cli("worker", "--once", "--task-type", "test_fatal").exit_code == 0
    listed = cli("jobs", "list")
    assert listed.exit_code == 0, listed.output
    assert pending in listed.output
    assert fatal in listed.output
    assert "failed (dead letter)" in listed.output
    assert "cannot ever work" in listed.output
    assert "2 of 2 jobs" in listed.output
    only = cli("jobs", "list", "--state", "failed")
    assert fatal in only.output
    assert pending not in only.output
    assert "1 of 1 jobs" in only.output
    bad = cli("jobs", "list", "--state", "lost")
    assert bad.exit_code == 2
    assert "unknown state filter value" in bad.output
    shown = cli("jobs", "show", fatal)
    assert shown.exit_code == 0, shown.output
    assert "test_fatal" in shown.output
    assert "1/1" in shown.output
    assert "cannot ever work" in shown.output
    payload = cli("jobs", "show", pending)
    assert '"order": "WO-00001"' in payload.output
    assert cli("jobs", "show", "no-such-job").exit_code == 1
    # retry the dead letter: pending again with one more attempt; cancel the pending one
    retried = cli("jobs", "retry", fatal)
    assert retried.exit_code == 0, retried.output
    assert f"job {fatal} (test_fatal) is pending, attempts 1/2" in retried.output
    canceled = cli("jobs", "cancel", pending)
    assert f"job {pending} (echo) is canceled" in canceled.output
    again = cli("jobs", "cancel", pending)
    assert again.exit_code == 1
    assert "only a pending job can be canceled" in again.output
    assert cli("jobs", "retry", fatal).exit_code == 1
    with database.scope() as s:
        statuses = {row[0]: row[1] for row in s.execute(select(Job.id, Job.status))}
    assert statuses == {pending: "canceled", fatal: "pending"}
