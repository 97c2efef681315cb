"""`yuantus jobs ...`: the queue as GET/POST /jobs shows it, for operators at the console."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from yuantus.core.console import console, database, dumps, refusals, when
from yuantus.core.console import table as make_table
from yuantus.core.pagination import PageParams
from yuantus.job import service
from yuantus.job.models import JOB_STATUSES, Job

jobs_app = typer.Typer(help="The job queue: list, show, retry, cancel.")
jobs_app.info.no_args_is_help = True


def _attempts(job: Job) -> str:
    return f"{job.attempt_count}/{job.max_attempts}"


@jobs_app.command("list")
def jobs_list(
    state: Annotated[str | None, typer.Option(help=f"One of: {', '.join(JOB_STATUSES)}.")] = None,
    task_type: Annotated[str | None, typer.Option(help="Only this task type.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
) -> None:
    """Jobs, newest first."""
    table = make_table(
        "id",
        "task type",
        "state",
        "attempts",
        "created",
        "finished",
        "last error",
        wrap=("last error",),
    )
    with refusals(), database().scope() as session:
        rows, total = service.list_jobs(
            session, PageParams(limit=limit, offset=offset), state=state, task_type=task_type
        )
        for job in rows:
            error = (job.last_error or "").splitlines()[0][:60] if job.last_error else ""
            dead = " (dead letter)" if job.is_dead_letter else ""
            table.add_row(
                job.id,
                job.task_type,
                job.status + dead,
                _attempts(job),
                when(job.created_at),
                when(job.completed_at),
                error,
            )
    console.print(table)
    console.print(f"{len(rows)} of {total} jobs")


@jobs_app.command("show")
def jobs_show(job_id: str) -> None:
    """One job: status, attempts, payload, result, progress and error history."""
    with refusals(), database().scope() as session:
        job = service.get_job(session, job_id)
        facts = Table.grid(padding=(0, 2))
        for name, value in (
            ("id", job.id),
            ("task type", job.task_type),
            ("state", job.status + (" (dead letter)" if job.is_dead_letter else "")),
            ("priority", str(job.priority)),
            ("attempts", _attempts(job)),
            ("dedupe key", job.dedupe_key or ""),
            ("worker", job.worker_id or ""),
            ("created", when(job.created_at)),
            ("scheduled", when(job.scheduled_at)),
            ("started", when(job.started_at)),
            ("finished", when(job.completed_at)),
        ):
            facts.add_row(f"[bold]{name}[/bold]", value)
        console.print(facts)
        for title, data in (
            ("payload", job.payload),
            ("result", job.result),
            ("progress", job.progress),
        ):
            if data is not None:
                console.print(f"[bold]{title}[/bold]")
                console.print(dumps(data), markup=False, highlight=False)
        if job.error_history:
            errors = make_table("attempt", "at", "worker", "error", wrap=("error",), title="errors")
            for entry in job.error_history:
                errors.add_row(
                    str(entry.get("attempt", "")),
                    str(entry.get("at", "")),
                    str(entry.get("worker_id", "")),
                    str(entry.get("error", "")),
                )
            console.print(errors)


@jobs_app.command("retry")
def jobs_retry(job_id: str) -> None:
    """Run a failed or canceled job again (attempts keep counting, one more granted)."""
    with refusals(), database().scope() as session:
        job = service.retry(session, job_id)
        console.print(f"job {job.id} ({job.task_type}) is {job.status}, attempts {_attempts(job)}")


@jobs_app.command("cancel")
def jobs_cancel(job_id: str) -> None:
    """Cancel a pending job."""
    with refusals(), database().scope() as session:
        job = service.cancel(session, job_id)
        console.print(f"job {job.id} ({job.task_type}) is {job.status}")
