"""Built-in task types: noop (tests, benchmark) and echo."""

from __future__ import annotations

from typing import Any

from yuantus.job.registry import TaskContext, task


@task("noop")
def noop(_ctx: TaskContext) -> None:
    """Do nothing: measures the queue itself."""


@task("echo")
def echo(ctx: TaskContext) -> dict[str, Any]:
    """Return the payload as the result."""
    return dict(ctx.payload)
