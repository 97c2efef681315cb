"""The example domain's task type: report what the process running it has registered."""

from __future__ import annotations

import os
from typing import Any

from yuantus.domains import describe
from yuantus.job.registry import TaskContext, task


@task("example_census")
def census(_ctx: TaskContext) -> dict[str, Any]:
    """The domains, task types and hooks of this process, and its pid."""
    return {**describe(), "pid": os.getpid()}
