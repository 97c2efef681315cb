"""A job that applies an ECO, run by real worker processes in the gate tests."""

from __future__ import annotations

import json
from typing import Any

from yuantus.core.errors import YuantusError
from yuantus.core.manifest import DomainManifest
from yuantus.eco import service as eco_service
from yuantus.job.registry import JobFatalError, TaskContext, task

APPLY_TASK = "test_eco_apply"


@task(APPLY_TASK)
def apply_eco(ctx: TaskContext) -> dict[str, Any]:
    """Apply the payload's ECO as the system (no user); a refusal fails the job with its body."""
    eco = eco_service.get(ctx.session, ctx.payload["eco_id"])
    try:
        eco = eco_service.action_apply(ctx.session, eco, None)
    except YuantusError as exc:
        raise JobFatalError(json.dumps(exc.to_body()["detail"], sort_keys=True)) from exc
    return {"state": eco.state}


MANIFEST = DomainManifest(
    name="eco_activity_test_tasks", task_modules=("tests.eco_activity.tasks_for_tests",)
)
