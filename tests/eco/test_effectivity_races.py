"""Races of the effectivity switch on PostgreSQL: two switches of one item, a switch and a
cancel, a worker killed in the middle of the switch. Each ends with exactly one effect."""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, func, select, text

from tests.eco.conftest import ECO, Client, Clock, events, ok
from tests.eco.scheduling import (
    get_item,
    in_days,
    midnight,
    run_worker,
    scheduled_eco,
    switch_jobs,
)
from tests.job.conftest import spawn_worker, wait_for, worker_env  # noqa: F401 - fixture
from yuantus.audit.models import AuditEvent
from yuantus.core.db import Database, utcnow
from yuantus.eco import effectivity
from yuantus.item.models import Item
from yuantus.job import service as job_service
from yuantus.job.models import Job
from yuantus.job.worker import Worker

Spawn = Callable[..., subprocess.Popen[bytes]]


@pytest.fixture(autouse=True)
def _postgresql_only(database: Database) -> None:
    if database.dialect != "postgresql":
        pytest.skip("row-lock races are a PostgreSQL deployment")


@pytest.fixture
def eco_lock(database: Database) -> Iterator[Callable[[str], Connection]]:
    """Hold an ECO's row lock from outside, so racers queue behind it in a known order."""
    held: list[Connection] = []

    def hold(eco_id: str) -> Connection:
        conn = database.engine.connect()
        conn.execute(text("SELECT id FROM meta_ecos WHERE id = :id FOR UPDATE"), {"id": eco_id})
        held.append(conn)
        return conn

    yield hold
    for conn in held:
        conn.rollback()
        conn.close()


def lock_waiters(database: Database) -> int:
    """Sessions of the test database waiting for a lock now."""
    with database.engine.connect() as conn:
        count = conn.scalar(
            text(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE NOT l.granted AND a.datname = current_database()"
            )
        )
    return int(count or 0)


def effects(database: Database, eco_id: str, source: str) -> tuple[int, int]:
    """How often the switch happened: 'applied' events of the ECO, supersede audit rows."""
    with database.scope() as s:
        audited = s.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.object_id == source, AuditEvent.action == "superseded")
        )
    applied = sum(1 for e in events_of(database, eco_id) if e == "applied")
    return applied, int(audited or 0)


def events_of(database: Database, eco_id: str) -> list[str]:
    """The event types of an ECO's history."""
    from yuantus.eco.models import EcoEvent

    with database.scope() as s:
        query = select(EcoEvent.event_type).where(EcoEvent.eco_id == eco_id).order_by(EcoEvent.seq)
        return list(s.scalars(query))


def test_two_workers_racing_two_switch_jobs_of_one_eco_switch_it_once(
    as_user: Client,
    database: Database,
    product: str,
    clock: Clock,
    eco_lock: Callable[[str], Connection],
) -> None:
    day = in_days(7)
    eco = scheduled_eco(as_user, product, day)
    with database.scope() as s:
        # a second job for the same switch (say, an operator re-queued it by hand)
        job_service.create_job(
            s, effectivity.SWITCH_TASK, {"eco_id": eco["id"]}, run_at=midnight(day)
        )
    clock(midnight(day) + timedelta(minutes=5))
    lock = eco_lock(eco["id"])
    workers = [Worker(database, once=True, poll_interval=0.05) for _ in range(2)]
    for worker in workers:
        worker.start()
    # both jobs claimed by different workers, both switches waiting on the ECO row
    wait_for(lambda: {j.status for j in switch_jobs(database, eco["id"])} == {"processing"})
    assert len({j.worker_id for j in switch_jobs(database, eco["id"])}) == 2
    wait_for(lambda: lock_waiters(database) == 2)
    lock.rollback()
    for worker in workers:
        assert worker.join(60)
    results = [j.result for j in switch_jobs(database, eco["id"])]
    assert sorted(r["switched"] for r in results if r) == [False, True]
    assert effects(database, eco["id"], product) == (1, 1)
    assert get_item(as_user, eco["target_item_id"])["is_current"] is True
    assert get_item(as_user, product)["state"] == "Superseded"


@pytest.mark.parametrize("first", ["switch", "cancel"])
def test_a_due_switch_racing_a_cancel_has_exactly_one_effect(
    first: str,
    as_user: Client,
    database: Database,
    product: str,
    clock: Clock,
    eco_lock: Callable[[str], Connection],
) -> None:
    day = in_days(3)
    eco = scheduled_eco(as_user, product, day)
    target = eco["target_item_id"]
    clock(midnight(day) + timedelta(seconds=1))
    lock = eco_lock(eco["id"])
    answers: list[Any] = []
    worker = Worker(database, once=True, poll_interval=0.05)
    canceler = threading.Thread(
        target=lambda: answers.append(
            as_user("engineer").post(f"{ECO}/{eco['id']}/transitions", json={"action": "cancel"})
        )
    )
    starts = [worker.start, canceler.start]
    for waiting, start in enumerate(starts if first == "switch" else starts[::-1], start=1):
        start()
        # the lock queue is first come, first served: wait until this racer queues
        wait_for(lambda n=waiting: lock_waiters(database) == n)  # type: ignore[misc]
    lock.rollback()
    assert worker.join(60)
    canceler.join(60)
    [answer] = answers
    [job] = switch_jobs(database, eco["id"])
    assert job.status == "completed"
    state = ok(as_user("viewer").get(f"{ECO}/{eco['id']}"))["state"]
    if first == "switch":
        assert answer.status_code == 409, answer.text
        assert state == "done"
        assert job.result is not None
        assert job.result["switched"] is True
        assert (get_item(as_user, target)["is_current"], get_item(as_user, product)["state"]) == (
            True,
            "Superseded",
        )
        assert effects(database, eco["id"], product) == (1, 1)
    else:
        assert answer.status_code == 200, answer.text
        assert state == "canceled"
        assert job.result == {"eco_id": eco["id"], "switched": False, "state": "canceled"}
        assert get_item(as_user, target)["state"] == "Draft"
        assert get_item(as_user, product)["is_current"] is True
        assert effects(database, eco["id"], product) == (0, 0)


@pytest.mark.slow
def test_a_worker_killed_during_the_switch_leaves_it_to_another_exactly_once(
    as_user: Client,
    database: Database,
    product: str,
    eco_lock: Callable[[str], Connection],
    spawn_worker: Spawn,  # noqa: F811
) -> None:
    eco = scheduled_eco(as_user, product, in_days(7))
    # the date has come: move the schedule into the past (a worker process has its own clock)
    due = (utcnow() - timedelta(hours=1)).replace(microsecond=0)
    with database.scope() as s:
        s.get_one(Item, eco["target_item_id"]).effective_from = due
        [job] = s.scalars(select(Job).where(Job.task_type == effectivity.SWITCH_TASK)).all()
        job.scheduled_at = due
        job_id = job.id
    lock = eco_lock(eco["id"])
    env = worker_env(
        database.settings, heartbeat_interval=0.2, stale_timeout=1.5, stale_check_interval=0.3
    )
    doomed = spawn_worker(env, "--poll-interval", "0.1")
    # claimed, and inside its transaction waiting for the ECO row
    wait_for(lambda: switch_jobs(database, eco["id"])[0].status == "processing")
    wait_for(lambda: lock_waiters(database) == 1)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(10)
    lock.rollback()
    rescuer = spawn_worker(env, "--poll-interval", "0.1")
    wait_for(lambda: switch_jobs(database, eco["id"])[0].status == "completed", timeout=40)
    [job] = switch_jobs(database, eco["id"])
    assert (job.id, job.attempt_count) == (job_id, 2)
    assert "stopped heart-beating" in job.error_history[0]["error"]
    assert job.result is not None
    assert job.result["switched"] is True
    assert ok(as_user("viewer").get(f"{ECO}/{eco['id']}"))["state"] == "done"
    assert effects(database, eco["id"], product) == (1, 1)
    rev_a = get_item(as_user, product)
    assert rev_a["state"] == "Superseded"
    assert rev_a["superseded_at"] is not None
    assert rev_a["superseded_at"].startswith(due.isoformat()[:19])
    rescuer.send_signal(signal.SIGTERM)
    assert rescuer.wait(20) == 0
    assert run_worker(database).counts() == (0, 0)
    assert events(as_user("viewer"), eco["id"])[-1]["to_value"] == "done"
