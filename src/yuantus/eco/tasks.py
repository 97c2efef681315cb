"""Job handlers of the eco domain."""

from __future__ import annotations

from typing import Any

from yuantus.core.errors import YuantusError
from yuantus.eco import effectivity
from yuantus.job.registry import JobFatalError, TaskContext, task


@task(effectivity.SWITCH_TASK)
def eco_effectivity_switch(ctx: TaskContext) -> dict[str, Any]:
    """Make a scheduled ECO's target current at its effective time (a no-op when not scheduled)."""
    eco_id = ctx.payload.get("eco_id")
    if not isinstance(eco_id, str):
        raise JobFatalError("the payload needs the eco_id of a scheduled ECO")
    try:
        return effectivity.switch(ctx.session, eco_id, job_id=ctx.job_id)
    except YuantusError as exc:
        # a refusal (unknown ECO, not due yet) does not heal by retrying; say why
        raise JobFatalError(f"{exc.code}: {exc.message}") from exc
