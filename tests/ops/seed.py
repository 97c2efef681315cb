"""Rows for the operations overview, written straight to the tables with hand-set times.

The numbers each section must answer are worked out in test_summary.py beside its checks.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from yuantus.audit.models import AuditEvent
from yuantus.breakage.models import BreakageIncident
from yuantus.cad3d.service import ACCESS_REFUSED
from yuantus.consumption.models import ConsumptionPlan, ConsumptionRecord
from yuantus.core.db import new_id, utcnow
from yuantus.event.models import Event, WebhookDelivery, WebhookSubscription
from yuantus.item import service as item_service
from yuantus.job.models import Job
from yuantus.workflow_action.models import ActionRun


def jobs(s: Session, now: datetime) -> None:
    """3 completed and 1 dead in the window, 1 completed before it, 2 waiting 700 s."""
    day = timedelta(days=1)
    for _ in range(3):
        s.add(Job(task_type="test_count", status="completed", completed_at=now - day))
    s.add(
        Job(
            task_type="test_flaky",
            status="failed",
            attempt_count=3,
            max_attempts=3,
            completed_at=now - 2 * day,
        )
    )
    s.add(Job(task_type="test_count", status="completed", completed_at=now - 10 * day))
    for _ in range(2):
        s.add(Job(task_type="test_count", scheduled_at=now - timedelta(seconds=700)))


def _run(status: str, code: str, at: datetime) -> ActionRun:
    return ActionRun(
        rule_id=new_id(),
        rule_name=f"rule-{code.lower()}",
        object_type="ECO",
        object_id=new_id(),
        phase="before",
        status=status,
        result_code=code,
        attempts=1,
        duration_ms=1.0,
        created_at=at,
    )


def action_runs(s: Session, now: datetime) -> None:
    """In the window: 2 OK, 1 BLOCK (failed), 1 WARN; a TIMEOUT 10 days ago."""
    hour = timedelta(hours=1)
    for status, code in (
        ("completed", "OK"),
        ("completed", "OK"),
        ("failed", "BLOCK"),
        ("warning", "WARN"),
    ):
        s.add(_run(status, code, now - hour))
    s.add(_run("failed", "TIMEOUT", now - timedelta(days=10)))


def deliveries(s: Session, now: datetime) -> None:
    """In the window: 3 delivered, 1 failed, 1 dead, 1 retrying, 1 new; a dead one before."""
    subscription = WebhookSubscription(url="https://example.invalid/hook", secret_ciphertext="x")
    event = Event(type="item.released")
    s.add_all([subscription, event])
    s.flush()
    rows = [("delivered", 1)] * 3 + [("failed", 1), ("dead", 5), ("pending", 1), ("pending", 0)]
    for state, attempts in rows:
        s.add(
            WebhookDelivery(
                subscription_id=subscription.id,
                event_id=event.id,
                state=state,
                attempts=attempts,
                created_at=now - timedelta(hours=2),
            )
        )
    s.add(
        WebhookDelivery(
            subscription_id=subscription.id,
            event_id=event.id,
            state="dead",
            attempts=5,
            created_at=now - timedelta(days=10),
        )
    )


def breakages(s: Session, now: datetime) -> None:
    """Open critical (1 day ago), investigating high (2), resolved critical (3), open low (10)."""
    product = item_service.create(s, "Part", "Bike", item_number="OPS-BIKE")
    component = item_service.create(s, "Part", "Spoke", item_number="OPS-SPOKE")
    s.flush()
    for n, (severity, status, days) in enumerate(
        (
            ("critical", "open", 1),
            ("high", "investigating", 2),
            ("critical", "resolved", 3),
            ("low", "open", 10),
        )
    ):
        at = now - timedelta(days=days)
        s.add(
            BreakageIncident(
                number=f"BRK-OPS-{n}",
                product_item_id=product.id,
                product_config_id=product.config_id,
                product_number=product.item_number,
                component_item_id=component.id,
                component_config_id=component.config_id,
                component_number=component.item_number,
                description="snapped",
                signature="snapped",
                quantity=1,
                responsibility="unknown",
                severity=severity,
                status=status,
                occurred_at=at,
                occurred_on=at.date(),
                created_at=at,
                updated_at=at,
            )
        )


def _plan(s: Session, item_id: str, config_id: str, name: str, **fields: object) -> str:
    today = utcnow().date()
    values: dict[str, object] = {
        "name": name,
        "item_id": item_id,
        "item_config_id": config_id,
        "period_unit": "day",
        "period_start": today - timedelta(days=9),
        "period_end": today + timedelta(days=10),
        "planned_quantity": Decimal(100),
        "uom": "KG",
        "state": "active",
    }
    values.update(fields)
    plan = ConsumptionPlan(**values)
    s.add(plan)
    s.flush()
    return plan.id


def _record(s: Session, plan_id: str, quantity: int, day: date) -> None:
    at = datetime(day.year, day.month, day.day, 12, tzinfo=utcnow().tzinfo)
    s.add(
        ConsumptionRecord(
            plan_id=plan_id,
            quantity=Decimal(quantity),
            uom="KG",
            plan_quantity=Decimal(quantity),
            source_type="manual",
            recorded_at=at,
            recorded_on=day,
            created_at=at,
        )
    )


def plans(s: Session) -> None:
    """Three active 20-day plans of 100 KG, 10 days in (50 due): actual 60, 40 and 50."""
    today = utcnow().date()
    resin = item_service.create(s, "Part", "Resin", item_number="OPS-RESIN")
    s.flush()
    ids = resin.id, resin.config_id
    over = _plan(s, *ids, "over")
    under = _plan(s, *ids, "under")
    on_track = _plan(s, *ids, "on track")
    _record(s, over, 60, today - timedelta(days=1))
    _record(s, under, 40, today)
    _record(s, on_track, 50, today - timedelta(days=9))
    # left out: before the period, and in the future
    _record(s, on_track, 1000, today - timedelta(days=12))
    _record(s, on_track, 100, today + timedelta(days=2))
    # not counted: a draft plan, and an active plan that ended before the window
    _plan(s, *ids, "draft", state="draft")
    _plan(
        s,
        *ids,
        "ended",
        period_start=today - timedelta(days=40),
        period_end=today - timedelta(days=30),
    )


def refusals(s: Session, now: datetime) -> None:
    """Refused overlay lookups: viewer twice and engineer once in the window, one before."""
    overlay = new_id()
    for name, days in (("viewer", 1), ("viewer", 2), ("engineer", 3), ("viewer", 20)):
        s.add(
            AuditEvent(
                id=new_id(),
                object_type="cad3d_overlay",
                object_id=overlay,
                action=ACCESS_REFUSED,
                actor_name=name,
                created_at=now - timedelta(days=days),
            )
        )


def everything(s: Session) -> None:
    """All of the above."""
    now = utcnow()
    jobs(s, now)
    action_runs(s, now)
    deliveries(s, now)
    breakages(s, now)
    plans(s)
    refusals(s, now)
