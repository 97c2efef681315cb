"""Consumption plans in GET /ops/summary: active plans over or under their plan to date."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuantus.consumption.models import ConsumptionPlan, ConsumptionRecord
from yuantus.consumption.variance import figures
from yuantus.core import decimals
from yuantus.core.db import utcnow
from yuantus.core.ops_section import Measure, OpsSection, ratio, window_start

DEFAULT_OFF_PLAN_RATE = 0.20
TOP_PLANS = 10


def _exact(value: Any) -> Decimal:
    """A SQL SUM as an exact decimal (SQLite answers a double): 6 places."""
    if value is None:
        return Decimal(0)
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    return number.quantize(decimals.QUANTUM, rounding=ROUND_HALF_UP)


def planned_to_date(plan: ConsumptionPlan, today: date) -> Decimal:
    """The share of the planned quantity due by today: prorated by the days elapsed."""
    days = (plan.period_end - plan.period_start).days + 1
    elapsed = (min(today, plan.period_end) - plan.period_start).days + 1
    share = plan.planned_quantity * elapsed / days
    return share.quantize(decimals.QUANTUM, rounding=ROUND_HALF_UP)


def ops_section(session: Session, window_days: int) -> OpsSection:
    """Active plans whose period overlaps the window, judged on their period so far."""
    today = utcnow().date()
    first_day = window_start(window_days).date()
    plans = session.scalars(
        select(ConsumptionPlan)
        .where(
            ConsumptionPlan.state == "active",
            ConsumptionPlan.period_start <= today,
            ConsumptionPlan.period_end >= first_day,
        )
        .order_by(ConsumptionPlan.name, ConsumptionPlan.id)
    ).all()
    actuals = dict(
        session.execute(
            select(ConsumptionRecord.plan_id, func.sum(ConsumptionRecord.plan_quantity))
            .join(ConsumptionPlan, ConsumptionPlan.id == ConsumptionRecord.plan_id)
            .where(
                ConsumptionRecord.plan_id.in_([p.id for p in plans]),
                ConsumptionRecord.recorded_on >= ConsumptionPlan.period_start,
                ConsumptionRecord.recorded_on <= ConsumptionPlan.period_end,
                ConsumptionRecord.recorded_on <= today,
            )
            .group_by(ConsumptionRecord.plan_id)
        ).all()
    )
    counts = {"over": 0, "under": 0, "on_track": 0}
    off_plan = []
    for plan in plans:
        planned = planned_to_date(plan, today)
        result = figures(
            planned, _exact(actuals.get(plan.id)), plan.under_threshold, plan.over_threshold
        )
        counts[result.status] += 1
        if result.status != "on_track":
            off_plan.append(
                {
                    "plan_id": plan.id,
                    "name": plan.name,
                    "status": result.status,
                    "planned_to_date": str(result.planned),
                    "actual": str(result.actual),
                    "uom": plan.uom,
                }
            )
    return OpsSection(
        figures={
            "active_plans": len(plans),
            **counts,
            "off_plan": off_plan[:TOP_PLANS],
        },
        measures={
            "off_plan_rate": Measure(
                ratio(counts["over"] + counts["under"], len(plans)),
                DEFAULT_OFF_PLAN_RATE,
                "share of active plans over or under their plan to date",
            )
        },
    )
