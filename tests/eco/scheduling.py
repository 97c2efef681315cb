"""Helpers of the effectivity tests: dates, scheduled ECOs, a worker run, switch jobs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from tests.eco.conftest import ECO, Client, Json, create_eco, move, ok, stages
from yuantus.core.db import Database, utcnow
from yuantus.eco import effectivity
from yuantus.job.config import JobSettings
from yuantus.job.models import Job
from yuantus.job.worker import Worker

ITEMS = "/api/v1/items"
FAST = JobSettings(backoff_base=0, backoff_cap=0, heartbeat_interval=0.1)


def in_days(days: int) -> date:
    """A UTC calendar date relative to today."""
    return utcnow().date() + timedelta(days=days)


def midnight(day: date) -> datetime:
    """00:00 UTC of a date: when an effectivity date starts (default time zone)."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def at(value: str | None) -> datetime | None:
    """An API timestamp as an aware datetime."""
    return None if value is None else datetime.fromisoformat(value)


def run_worker(database: Database) -> Worker:
    """One in-process worker draining every due job, as `yuantus worker --once` does."""
    worker = Worker(database, once=True, poll_interval=0.05, config=FAST)
    worker.start()
    assert worker.join(60)
    return worker


def approved_eco(as_user: Client, product: str, day: date | None) -> Json:
    """An ECO with a target revision, approved and in Ready to Apply."""
    eng, approver = as_user("engineer"), as_user("approver")
    eco = create_eco(eng, product, effectivity_date=day.isoformat() if day else None)
    ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))
    move(eng, eco["id"], stages(eng)["Engineering Review"]["id"])
    eco = ok(approver.post(f"{ECO}/{eco['id']}/transitions", json={"action": "approve"}))
    assert eco["stage_name"] == "Ready to Apply"
    return eco


def scheduled_eco(as_user: Client, product: str, day: date) -> Json:
    """An ECO applied before its effectivity date."""
    eco = approved_eco(as_user, product, day)
    return ok(as_user("engineer").post(f"{ECO}/{eco['id']}/transitions", json={"action": "apply"}))


def get_item(client: Client, item_id: str) -> Json:
    """An item revision over HTTP."""
    return ok(client("viewer").get(f"{ITEMS}/{item_id}"))


def switch_jobs(database: Database, eco_id: str) -> list[Job]:
    """The switch jobs of an ECO, oldest first."""
    with database.scope() as s:
        query = select(Job).where(Job.task_type == effectivity.SWITCH_TASK).order_by(Job.created_at)
        return [j for j in s.scalars(query) if j.payload == {"eco_id": eco_id}]
