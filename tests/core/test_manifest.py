"""Domain manifests: the app and a worker process load the same domains, tasks and hooks.

The example domain (tests/core/example_domain) is known to this process and to the worker
only through its manifest, named in YUANTUS_EXTRA_DOMAINS / Settings.extra_domains.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.conftest import TEST_DOMAINS
from tests.eco.conftest import ECO, create_eco, error, ok, release_item, stages
from tests.job.conftest import REPO, worker_env
from yuantus.core.db import Database
from yuantus.core.manifest import DomainManifest, load, loaded
from yuantus.domains import DOMAINS, describe, load_domains, manifest_from
from yuantus.identity.models import User
from yuantus.job import service as job_service

Client = Callable[[str], TestClient]


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `yuantus` command in a fresh process."""
    return subprocess.run(
        [sys.executable, "-c", "from yuantus.cli import app; app()", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_app_refuses_a_move_through_the_example_gate(
    as_user: Client, database: Database, users: dict[str, User]
) -> None:
    eng = as_user("engineer")
    product = release_item(database, users["engineer"], "Gearbox", number="GB-100")
    other = release_item(database, users["engineer"], "Pump", number="PU-100")
    held = create_eco(eng, product, name="[hold] stronger housing")
    free = create_eco(eng, other, name="lighter housing")
    # an ECO leaves its first stage only with a target revision
    for eco in (held, free):
        ok(eng.post(f"{ECO}/{eco['id']}/new-revision"))
    review = stages(eng)["Engineering Review"]["id"]

    detail = error(
        eng.post(f"{ECO}/{held['id']}/transitions", json={"action": "move", "stage_id": review}),
        409,
        "example_eco_on_hold",
    )
    assert detail["context"] == {"from_stage": "New", "to_stage": "Engineering Review"}
    assert ok(eng.get(f"{ECO}/{held['id']}"))["stage_name"] == "New"
    moved = ok(
        eng.post(f"{ECO}/{free['id']}/transitions", json={"action": "move", "stage_id": review})
    )
    assert moved["stage_name"] == "Engineering Review"


def test_a_worker_process_sees_the_apps_domains_task_types_and_hooks(
    database: Database,
) -> None:
    with database.scope() as s:
        job = job_service.create_job(s, "example_census", {})
    run = _cli(worker_env(database.settings), "worker", "--once")
    assert run.returncode == 0, run.stdout + run.stderr
    with database.scope() as s:
        done = job_service.get_job(s, job.id)
        assert done.status == "completed", done.last_error
        census = dict(done.result or {})
    assert census.pop("pid") != os.getpid()
    # the worker ran with the same domain list, so it has exactly what this process has
    assert census == describe()
    assert census["domains"] == [
        *(m.name for m in DOMAINS),
        "job_test_tasks",
        "example",
        "eco_activity_test_tasks",
    ]
    assert "example_census" in census["task_types"]
    assert census["hooks"]["eco_gate"] == [
        {"phase": "before", "name": "eco_activity.gate", "priority": 100},
        {"phase": "before", "name": "tests.core.example_domain.gate.hold_gate", "priority": 100},
    ]
    assert census["revision_copiers"] == [
        "doc_sync_replica",
        "file_links",
        "bom_lines",
        "document_links",
    ]


def test_the_older_job_task_modules_setting_still_adds_task_types(database: Database) -> None:
    env = worker_env(database.settings)
    env.pop("YUANTUS_EXTRA_DOMAINS")
    env["YUANTUS_JOB_TASK_MODULES"] = "tests.job.tasks_for_tests"
    run = _cli(env, "domains")
    assert run.returncode == 0, run.stdout + run.stderr
    census = json.loads(run.stdout)
    assert census["domains"] == [
        *(m.name for m in DOMAINS),
        "tasks:tests.job.tasks_for_tests",
    ]
    assert {"noop", "echo", "test_count"} <= set(census["task_types"])
    assert "example_census" not in census["task_types"]
    # only the product's own gate (eco_activity), not the example domain's
    assert census["hooks"]["eco_gate"] == [
        {"phase": "before", "name": "eco_activity.gate", "priority": 100}
    ]


def test_a_worker_refuses_to_start_without_the_domain_list() -> None:
    code = "from yuantus.job.worker import Worker; Worker(None)"
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert run.returncode != 0
    assert "DomainsNotLoaded" in run.stderr
    assert "load_domains()" in run.stderr


def test_loading_again_is_a_no_op_and_a_name_is_one_manifest() -> None:
    before = loaded()
    assert load_domains(TEST_DOMAINS) == before
    assert [h["name"] for h in describe()["hooks"]["eco_gate"]] == [
        "eco_activity.gate",
        "tests.core.example_domain.gate.hold_gate",
    ]
    with pytest.raises(ValueError, match="two different manifests are named 'example'"):
        load([DomainManifest(name="example", models="yuantus.item.models")])
    assert loaded() == before


def test_an_extra_domain_reference_must_name_a_manifest() -> None:
    assert manifest_from("tests.core.example_domain.manifest").name == "example"
    assert manifest_from("tests.core.example_domain.manifest:MANIFEST").name == "example"
    with pytest.raises(ValueError, match="does not name a DomainManifest"):
        manifest_from("tests.core.example_domain.gate:hold_gate")
    with pytest.raises(ModuleNotFoundError):
        manifest_from("tests.core.no_such_domain")
