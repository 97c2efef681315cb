"""Custom actions in GET /ops/summary: runs in the window, failures and blocks."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuantus.core.ops_section import Measure, OpsSection, ratio, window_start
from yuantus.workflow_action.models import RUN_STATES, ActionRun

DEFAULT_FAILURE_RATE = 0.05
DEFAULT_BLOCK_RATE = 0.10
TOP_RULES = 5


def ops_section(session: Session, window_days: int) -> OpsSection:
    """Runs by status and result code; the rules that failed most."""
    since = window_start(window_days)
    recent = ActionRun.created_at >= since
    by_status = dict.fromkeys(RUN_STATES, 0)
    by_status.update(
        session.execute(
            select(ActionRun.status, func.count()).where(recent).group_by(ActionRun.status)
        ).all()
    )
    by_code = dict(
        session.execute(
            select(ActionRun.result_code, func.count())
            .where(recent)
            .group_by(ActionRun.result_code)
        ).all()
    )
    failing = session.execute(
        select(ActionRun.rule_name, func.count().label("n"))
        .where(recent, ActionRun.status == "failed")
        .group_by(ActionRun.rule_name)
        .order_by(func.count().desc(), ActionRun.rule_name)
        .limit(TOP_RULES)
    ).all()
    runs = sum(by_status.values())
    failures, blocks = by_status["failed"], by_code.get("BLOCK", 0)
    return OpsSection(
        figures={
            "runs": runs,
            "by_status": by_status,
            "failures": failures,
            "blocks": blocks,
            "timeouts": by_code.get("TIMEOUT", 0),
            "retries_exhausted": by_code.get("RETRY_EXHAUSTED", 0),
            "top_failing_rules": [{"rule_name": name, "failures": n} for name, n in failing],
        },
        measures={
            "failure_rate": Measure(
                ratio(failures, runs), DEFAULT_FAILURE_RATE, "share of custom-action runs failed"
            ),
            "block_rate": Measure(
                ratio(blocks, runs), DEFAULT_BLOCK_RATE, "share of runs that blocked a transition"
            ),
        },
    )
