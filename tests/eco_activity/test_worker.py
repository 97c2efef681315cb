"""An apply from a real `yuantus worker` process is refused by the gate like one over HTTP."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

from tests.eco_activity.conftest import (
    Client,
    add,
    eco,
    eco_apply,
    eco_approve,
    eco_move,
    error,
    finish,
    ok,
    open_eco,
    stages,
)
from tests.eco_activity.tasks_for_tests import APPLY_TASK
from tests.job.conftest import spawn_worker, worker_env
from yuantus.core.db import Database
from yuantus.job import service as job_service

__all__ = ["spawn_worker"]

Spawn = Callable[..., subprocess.Popen[bytes]]


def _run_apply_job(database: Database, spawn: Spawn, eco_id: str) -> tuple[str, str | None]:
    """Enqueue the apply job, drain the queue with one worker process; (status, error)."""
    with database.scope() as s:
        job = job_service.create_job(s, APPLY_TASK, {"eco_id": eco_id})
    # the worker loads the test domains (tests/conftest.py), this apply task among them
    env = worker_env(database.settings)
    proc = spawn(env, "--once", "--poll-interval", "0.1")
    assert proc.wait(120) == 0
    with database.scope() as s:
        done = job_service.get_job(s, job.id)
        return done.status, done.last_error


def test_a_worker_apply_is_refused_the_same_way_and_succeeds_once_unblocked(
    as_user: Client, product: str, database: Database, spawn_worker: Spawn
) -> None:
    eng, approver = as_user("engineer"), as_user("approver")
    eco_id = open_eco(eng, product)
    st = stages(eng)
    ok(eco_move(eng, eco_id, st["Engineering Review"]["id"]))
    ok(eco_approve(approver, eco_id))
    fai = add(eng, eco_id, "Sign first article", assignee_role="quality")
    over_http = error(eco_apply(eng, eco_id), 409, "eco_blocked")
    status, last_error = _run_apply_job(database, spawn_worker, eco_id)
    assert status == "failed"
    assert last_error is not None
    in_worker = json.loads(last_error[last_error.index("{") :])
    assert in_worker == over_http
    assert eco(eng, eco_id)["state"] == "progress"
    finish(as_user("quality"), fai["id"])
    status, last_error = _run_apply_job(database, spawn_worker, eco_id)
    assert (status, last_error) == ("completed", None)
    assert eco(eng, eco_id)["state"] == "done"
