"""Job handlers of the breakage domain: the helpdesk sync."""

from __future__ import annotations

from typing import Any

from yuantus.breakage import helpdesk
from yuantus.breakage.config import HelpdeskSettings
from yuantus.breakage.models import BreakageIncident
from yuantus.breakage.service import HELPDESK_TASK
from yuantus.job.registry import JobFatalError, TaskContext, task


@task(HELPDESK_TASK)
def breakage_helpdesk_sync_stub(ctx: TaskContext) -> dict[str, Any]:
    """Sync one incident to the configured helpdesk, or to the local stub when none is set."""
    incident_id = ctx.payload.get("incident_id")
    incident = ctx.session.get(BreakageIncident, incident_id) if incident_id else None
    if incident is None:
        raise JobFatalError(f"no breakage incident {incident_id!r}")
    config = HelpdeskSettings()
    if not config.url:
        return helpdesk.sync_local(incident)
    # one message id per job: the helpdesk can deduplicate the retries of one sync
    return helpdesk.sync_remote(incident, config, message_id=f"msg_{ctx.job_id}")
