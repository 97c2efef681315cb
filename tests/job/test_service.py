"""JobService: enqueue, dedupe (also racing), claim order, finishing, backoff, stale requeue.

Claims and finishes go through the worker's batch path (tests/job/claims.py), as in production.
"""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.job.claims import claim_one, complete, fail
from yuantus.core.db import Database, utcnow
from yuantus.core.errors import InvalidState, Unprocessable
from yuantus.job import service
from yuantus.job.models import Job
from yuantus.job.registry import registered_task_types


def _count(db: Database) -> int:
    with db.scope() as s:
        return s.scalar(select(func.count()).select_from(Job)) or 0


def test_builtin_task_types_are_registered() -> None:
    assert {"noop", "echo"} <= set(registered_task_types())


def test_unknown_task_type_is_refused(session: Session) -> None:
    with pytest.raises(Unprocessable) as err:
        service.create_job(session, "no_such_task", {})
    assert err.value.code == "unknown_task_type"


def test_bad_payload_and_naive_run_at_are_refused(session: Session) -> None:
    with pytest.raises(Unprocessable):
        service.create_job(session, "noop", {"x": object()})
    with pytest.raises(Unprocessable):
        service.create_job(session, "noop", {}, run_at=utcnow().replace(tzinfo=None))


def test_rollback_drops_the_job(database: Database) -> None:
    with database.session() as s:
        service.create_job(s, "noop", {})
        s.flush()
        s.rollback()
    assert _count(database) == 0


def test_dedupe_returns_the_active_job_then_allows_a_new_one(database: Database) -> None:
    with database.scope() as s:
        first = service.create_job(s, "noop", {}, dedupe_key="k")
        assert service.create_job(s, "noop", {}, dedupe_key="k").id == first.id
    claimed = claim_one(database, "w")
    assert claimed is not None
    assert claimed.id == first.id
    with database.scope() as s:
        assert service.create_job(s, "noop", {}, dedupe_key="k").id == first.id
    complete(database, claimed, None)
    with database.scope() as s:
        assert service.create_job(s, "noop", {}, dedupe_key="k").id != first.id


def test_dedupe_race_loser_returns_winner_and_keeps_its_transaction(database: Database) -> None:
    winner = database.session()
    won = service.create_job(winner, "noop", {}, dedupe_key="race")
    winner.flush()  # on PostgreSQL the row now holds the unique index entry, uncommitted
    outcome: dict[str, str] = {}

    def loser() -> None:
        with database.scope() as s:
            other = service.create_job(s, "echo", {"kept": True})
            outcome["other"] = other.id
            outcome["got"] = service.create_job(s, "noop", {}, dedupe_key="race").id

    thread = threading.Thread(target=loser)
    thread.start()
    thread.join(0.5)  # the loser blocks on the winner's uncommitted row
    winner.commit()
    winner.close()
    thread.join(30)
    assert outcome["got"] == won.id
    with database.scope() as s:
        assert s.get(Job, outcome["other"]) is not None  # the loser's other work committed
    assert _count(database) == 2


def test_twenty_threads_same_dedupe_key_make_one_job(database: Database) -> None:
    barrier = threading.Barrier(20)
    ids: list[str] = []
    errors: list[BaseException] = []

    def enqueue() -> None:
        try:
            barrier.wait()
            with database.scope() as s:
                ids.append(service.create_job(s, "noop", {}, dedupe_key="same").id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=enqueue) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert len(ids) == 20
    assert len(set(ids)) == 1
    assert _count(database) == 1


def test_claim_order_due_time_and_task_types(database: Database) -> None:
    now = utcnow()
    with database.scope() as s:
        late = service.create_job(s, "noop", {"n": "late"}, priority=100)
        urgent = service.create_job(s, "noop", {"n": "urgent"}, priority=10)
        service.create_job(s, "noop", {}, priority=1, run_at=now + timedelta(hours=1))
        echo = service.create_job(s, "echo", {}, priority=1)
    first = claim_one(database, "w", ["noop"])
    second = claim_one(database, "w", ["noop"])
    third = claim_one(database, "w", ["noop"])
    assert [first and first.id, second and second.id, third] == [urgent.id, late.id, None]
    assert first is not None
    assert first.attempt_count == 1
    assert first.worker_id == "w"
    with database.scope() as s:
        row = service.get_job(s, first.id)
        assert (row.status, row.worker_id, row.attempt_count) == ("processing", "w", 1)
        assert row.started_at is not None
    got_echo = claim_one(database, "w")
    assert got_echo is not None
    assert got_echo.id == echo.id
    assert claim_one(database, "w", []) is None


def test_backoff_grows_exponentially_with_jitter_and_is_capped() -> None:
    low = [service.backoff_delay(a, base=5, cap=600, rng=lambda: 0.0) for a in range(1, 10)]
    high = [service.backoff_delay(a, base=5, cap=600, rng=lambda: 1.0) for a in range(1, 10)]
    assert high[:5] == [5, 10, 20, 40, 80]
    assert low[:5] == [2.5, 5, 10, 20, 40]
    assert all(b >= a for a, b in itertools.pairwise(high))
    assert max(high) == 600
    assert high[-1] == 600
    for attempt in range(1, 6):
        assert 2.5 * 2 ** (attempt - 1) <= service.backoff_delay(attempt, base=5, cap=600)


def test_fail_retries_with_backoff_then_dead_letters(database: Database) -> None:
    with database.scope() as s:
        job = service.create_job(s, "noop", {}, max_attempts=2)
    claimed = claim_one(database, "w")
    assert claimed is not None
    before = utcnow()
    fail(database, claimed, "first error")
    with database.scope() as s:
        row = service.get_job(s, job.id)
        assert row.status == "pending"
        assert row.worker_id is None
        assert row.scheduled_at > before
        assert row.last_error == "first error"
        assert row.error_history[0]["attempt"] == 1
        row.scheduled_at = utcnow()
    again = claim_one(database, "w2")
    assert again is not None
    assert again.attempt_count == 2
    fail(database, again, "second error")
    with database.scope() as s:
        row = service.get_job(s, job.id)
        assert row.status == "failed"
        assert row.is_dead_letter
        assert row.remaining_attempts == 0
        assert [e["error"] for e in row.error_history] == ["first error", "second error"]


def test_fail_without_retry_fails_at_once(database: Database) -> None:
    with database.scope() as s:
        job = service.create_job(s, "noop", {}, max_attempts=5)
    claimed = claim_one(database, "w")
    assert claimed is not None
    fail(database, claimed, "fatal", retry=False)
    with database.scope() as s:
        row = service.get_job(s, job.id)
        assert row.status == "failed"
        assert row.remaining_attempts == 4
        assert not row.is_dead_letter


def test_cancel_and_retry(database: Database) -> None:
    with database.scope() as s:
        job = service.create_job(s, "noop", {}, max_attempts=1)
    with database.scope() as s:
        assert service.cancel(s, job.id).status == "canceled"
        with pytest.raises(InvalidState):
            service.cancel(s, job.id)
        retried = service.retry(s, job.id)
        assert retried.status == "pending"
        assert retried.completed_at is None
        with pytest.raises(InvalidState):
            service.retry(s, job.id)
    claimed = claim_one(database, "w")
    assert claimed is not None
    fail(database, claimed, "dead")
    with database.scope() as s:
        retried = service.retry(s, job.id)
        # attempts keep counting; a dead letter gets one more attempt
        assert (retried.attempt_count, retried.max_attempts, retried.remaining_attempts) == (
            1,
            2,
            1,
        )


def test_requeue_stale_and_lost_claims(database: Database) -> None:
    with database.scope() as s:
        retry_me = service.create_job(s, "noop", {}, priority=1, max_attempts=2)
        exhausted = service.create_job(s, "noop", {}, priority=2, max_attempts=1)
        fresh = service.create_job(s, "noop", {}, priority=3)
    claims = [claim_one(database, "dead-worker") for _ in range(3)]
    with database.scope() as s:
        for job_id in (retry_me.id, exhausted.id):
            s.get_one(Job, job_id).heartbeat_at = utcnow() - timedelta(minutes=5)
    with database.scope() as s:
        assert service.requeue_stale(s, 60) == 2
    with database.scope() as s:
        assert service.get_job(s, retry_me.id).status == "pending"
        assert service.get_job(s, exhausted.id).status == "failed"
        assert service.get_job(s, fresh.id).status == "processing"
        assert "stopped heart-beating" in (service.get_job(s, retry_me.id).last_error or "")
        assert service.heartbeat(s, [c for c in claims if c is not None]) == 1
    stale_claim = claims[0]
    assert stale_claim is not None
    with pytest.raises(service.JobLost):
        complete(database, stale_claim, {"late": True})


def test_progress_only_while_processing(database: Database) -> None:
    with database.scope() as s:
        job = service.create_job(s, "noop", {})
        assert not service.update_progress(s, job.id, {"p": 1})
    assert claim_one(database, "w") is not None
    with database.scope() as s:
        assert service.update_progress(s, job.id, {"p": 2})
    with database.scope() as s:
        assert service.get_job(s, job.id).progress == {"p": 2}
