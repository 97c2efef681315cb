"""GET /ops/summary: every capability's section over the window, and alerts past thresholds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import TEST_DOMAINS, bearer, make_settings
from tests.ops import seed
from yuantus.app import create_app
from yuantus.core import manifest
from yuantus.core.db import Database
from yuantus.core.settings import Settings
from yuantus.identity.models import User

URL = "/api/v1/ops/summary"


@pytest.fixture
def seeded(database: Database, users: dict[str, User]) -> None:
    """The rows of tests/ops/seed.py."""
    with database.scope() as s:
        seed.everything(s)


def _summary(client: TestClient, **params: Any) -> dict[str, Any]:
    answer = client.get(URL, params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _alerts(body: dict[str, Any]) -> set[str]:
    return {f"{a['section']}.{a['measure']}" for a in body["alerts"]}


def test_each_section_counts_its_window(as_user: Callable[[str], TestClient], seeded: None) -> None:
    body = _summary(as_user("admin"), window_days=7)
    assert body["window_days"] == 7
    assert body["errors"] == {}
    sections = body["sections"]

    job = sections["job"]["figures"]
    # 3 completed and 1 failed in the 7 days (the completion 10 days ago is outside)
    assert job["completed_in_window"] == 3
    assert job["failed_in_window"] == 1
    assert job["dead_letters"] == 1
    assert job["pending"] == 2
    assert job["queue"]["test_count"]["pending"] == 2
    assert job["queue"]["test_count"]["oldest_wait_s"] >= 700
    # 1 / (3 + 1)
    assert sections["job"]["measures"]["failure_rate"]["value"] == 0.25

    runs = sections["workflow_action"]["figures"]
    assert runs["runs"] == 4
    assert runs["by_status"] == {"completed": 2, "warning": 1, "failed": 1}
    assert (runs["failures"], runs["blocks"], runs["timeouts"]) == (1, 1, 0)
    assert runs["top_failing_rules"] == [{"rule_name": "rule-block", "failures": 1}]
    assert sections["workflow_action"]["measures"]["block_rate"]["value"] == 0.25

    hooks = sections["event"]["figures"]
    assert hooks["deliveries"] == 7
    assert hooks["by_state"] == {"pending": 2, "delivered": 3, "failed": 1, "dead": 1}
    assert (hooks["failures"], hooks["dead_letters"], hooks["retrying"]) == (2, 1, 1)
    # (1 failed + 1 dead) / (3 delivered + 2)
    assert sections["event"]["measures"]["failure_rate"]["value"] == 0.4

    breakage = sections["breakage"]["figures"]
    assert breakage["open"] == 3
    assert breakage["open_by_severity"] == {"low": 1, "medium": 0, "high": 1, "critical": 1}
    assert breakage["reported_in_window"] == 3
    assert breakage["reported_by_severity"] == {"low": 0, "medium": 0, "high": 1, "critical": 2}

    plans = sections["consumption"]["figures"]
    assert (plans["active_plans"], plans["over"], plans["under"], plans["on_track"]) == (3, 1, 1, 1)
    # 10 of 20 days gone: 50 of 100 KG due; 60 is over 110 %, 40 under 90 %
    assert {
        (p["name"], p["status"], p["planned_to_date"], p["actual"]) for p in plans["off_plan"]
    } == {
        ("over", "over", "50.000000", "60.000000"),
        ("under", "under", "50.000000", "40.000000"),
    }
    assert sections["consumption"]["measures"]["off_plan_rate"]["value"] == 0.6667

    refused = sections["cad3d"]["figures"]
    assert refused["lookups_refused"] == 3
    assert refused["overlays"] == 1
    assert refused["top_users"] == [
        {"username": "viewer", "refused": 2},
        {"username": "engineer", "refused": 1},
    ]
    # 3 / 7 days, to 4 places: below the default 5 a day
    assert sections["cad3d"]["measures"]["refused_per_day"] == {
        "value": 0.4286,
        "threshold": 5.0,
        "alert": False,
        "description": "refused overlay lookups per day over the window",
    }

    assert {
        "job.failure_rate",
        "job.oldest_wait_seconds",
        "workflow_action.failure_rate",
        "workflow_action.block_rate",
        "event.failure_rate",
        "breakage.open_critical",
        "consumption.off_plan_rate",
    } == _alerts(body) - {"ops_extra_test.users"}


def test_a_wider_window_takes_in_the_older_rows(
    as_user: Callable[[str], TestClient], seeded: None
) -> None:
    sections = _summary(as_user("admin"), window_days=30)["sections"]
    assert sections["job"]["figures"]["completed_in_window"] == 4
    assert sections["workflow_action"]["figures"]["timeouts"] == 1
    assert sections["event"]["figures"]["dead_letters"] == 2
    assert sections["breakage"]["figures"]["reported_in_window"] == 4
    assert sections["cad3d"]["figures"]["lookups_refused"] == 4


def test_a_threshold_setting_replaces_the_default(
    as_user: Callable[[str], TestClient], seeded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "YUANTUS_OPS_THRESHOLDS", '{"job.failure_rate": 0.5, "cad3d.refused_per_day": 0.1}'
    )
    body = _summary(as_user("admin"))
    assert body["sections"]["job"]["measures"]["failure_rate"]["threshold"] == 0.5
    assert body["sections"]["job"]["measures"]["failure_rate"]["alert"] is False
    assert "job.failure_rate" not in _alerts(body)
    assert "cad3d.refused_per_day" in _alerts(body)


def test_the_summary_is_for_admins(
    client: TestClient, as_user: Callable[[str], TestClient]
) -> None:
    assert client.get(URL).status_code == 401
    assert as_user("engineer").get(URL).status_code == 403
    assert as_user("admin").get(URL, params={"window_days": 0}).status_code == 422
    assert as_user("admin").get(URL, params={"days": 3}).status_code == 422


@pytest.fixture
def extra_domain() -> Iterator[None]:
    """Unload the test capabilities afterwards: other tests compare the loaded domain lists."""
    yield
    with manifest._lock:
        for name in ("ops_extra_test", "ops_plain_test"):
            manifest._loaded.pop(name, None)


def test_a_manifest_from_extra_domains_adds_its_section(
    settings: Settings,
    database: Database,
    users: dict[str, User],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    extra_domain: None,
) -> None:
    extra = ["tests.ops.extra_section", "tests.ops.extra_section:PLAIN"]
    monkeypatch.setenv("YUANTUS_EXTRA_DOMAINS", ",".join([*TEST_DOMAINS, *extra]))
    from_env = Settings().extra_domains
    app_settings = make_settings(tmp_path, settings.resolved_database_url, extra_domains=from_env)
    with TestClient(create_app(app_settings, database=database)) as c:
        body = _summary(c.__class__(c.app, headers=bearer(users["admin"])), window_days=3)
    section = body["sections"]["ops_extra_test"]
    # the demo users: one per role
    assert section["figures"] == {"users": len(users), "window_days": 3}
    assert section["measures"]["users"]["alert"] is (len(users) > 2)
    assert "ops_extra_test.users" in _alerts(body)
    assert body["sections"]["ops_plain_test"] == {"figures": {"days": 3}, "measures": {}}
