"""Task types used only by the job tests, registered through the manifest at the end.

The test harness and every worker subprocess load it as an extra domain (YUANTUS_EXTRA_DOMAINS).
"""

from __future__ import annotations

import os
import time
from typing import Any

from yuantus.audit import service as audit
from yuantus.core.errors import Conflict
from yuantus.core.manifest import DomainManifest
from yuantus.job import service
from yuantus.job.registry import JobFatalError, TaskContext, task


def record(path: str, ctx: TaskContext) -> None:
    """Append one line per execution; O_APPEND keeps lines from processes whole."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, f"{ctx.job_id} {os.getpid()} {ctx.attempt}\n".encode())
    finally:
        os.close(fd)


@task("test_count")
def count(ctx: TaskContext) -> None:
    """Record the execution."""
    record(ctx.payload["path"], ctx)


@task("test_block")
def block(ctx: TaskContext) -> dict[str, Any]:
    """Record the start; the first attempt then sleeps `sleep` seconds."""
    record(ctx.payload["path"], ctx)
    if ctx.attempt == 1:
        time.sleep(float(ctx.payload.get("sleep", 0)))
    return {"attempt": ctx.attempt, "pid": os.getpid()}


@task("test_flaky")
def flaky(ctx: TaskContext) -> dict[str, Any]:
    """Fail until attempt `succeed_on`."""
    if ctx.attempt < int(ctx.payload["succeed_on"]):
        raise RuntimeError(f"flaky failure on attempt {ctx.attempt}")
    return {"attempt": ctx.attempt}


@task("test_fatal")
def fatal(_ctx: TaskContext) -> None:
    """Fail without retry."""
    raise JobFatalError("cannot ever work")


@task("test_progress")
def progress(ctx: TaskContext) -> dict[str, Any]:
    """Report progress, then enqueue a follow-up job in the handler's own session."""
    ctx.progress({"step": 1, "of": 2})
    follow_up = service.create_job(ctx.session, "noop", {"after": ctx.job_id})
    if ctx.payload.get("explode"):
        raise RuntimeError("boom after enqueueing")
    return {"follow_up": follow_up.id}


@task("test_refuse_with_record")
def refuse_with_record(ctx: TaskContext) -> None:
    """Enqueue a follow-up (rolled back), then refuse with an audit row that must persist."""
    service.create_job(ctx.session, "noop", {"after": ctx.job_id})
    job_id, attempt = ctx.job_id, ctx.attempt
    raise Conflict("refused by the test task", code="test_refused").persist_after_rollback(
        lambda s: audit.record(
            s,
            object_type="job",
            object_id=job_id,
            action="test_refused",
            after={"attempt": attempt},
        )
    )


MANIFEST = DomainManifest(name="job_test_tasks", task_modules=(__name__,))
