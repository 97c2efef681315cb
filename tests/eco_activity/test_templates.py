"""Stage templates: managed with the stage, created on entering it, once per visit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.eco_activity.conftest import (
    ACT,
    ECO,
    Client,
    eco,
    eco_move,
    error,
    finish,
    listing,
    ok,
    open_eco,
    stages,
)

TEMPLATES: list[dict[str, Any]] = [
    {"name": "Update drawing", "assignee_role": "engineer", "due_in_days": 2},
    {"name": "Check stock", "assignee_role": "production", "due_in_days": 1},
    {
        "name": "Sign first article",
        "depends_on": ["Update drawing", "Check stock"],
        "assignee_role": "quality",
        "due_in_days": 5,
    },
    {"name": "Tell the customer", "is_blocking": False},
]


def _stored(template: dict[str, Any]) -> dict[str, Any]:
    """A template as the stage answers it, defaults filled in."""
    return {
        "is_blocking": True,
        "depends_on": [],
        "assignee_role": None,
        "due_in_days": None,
        "description": None,
        **template,
    }


def test_templates_are_managed_with_the_stage(as_user: Client, product: str) -> None:
    admin = as_user("admin")
    open_eco(as_user("engineer"), product)
    review = stages(admin)["Engineering Review"]
    url = f"{ECO}/stages/{review['id']}"
    stage = ok(admin.patch(url, json={"activity_templates": TEMPLATES}))
    assert stage["activity_templates"] == [_stored(t) for t in TEMPLATES]
    cyclic = [
        {"name": "a", "depends_on": ["b"]},
        {"name": "b", "depends_on": ["a"]},
    ]
    detail = error(admin.patch(url, json={"activity_templates": cyclic}), 422)
    assert detail["code"] == "invalid_activity_templates"
    assert detail["context"] == {"path": ["a", "b", "a"]}
    unknown = [{"name": "a", "depends_on": ["zz"]}]
    detail = error(admin.patch(url, json={"activity_templates": unknown}), 422)
    assert detail["context"] == {"unknown": ["zz"]}
    twice = [{"name": "a"}, {"name": "a"}]
    assert error(admin.patch(url, json={"activity_templates": twice}), 422)["context"] == {
        "repeated": ["a"]
    }
    # refused changes left the templates as they were; engineers cannot edit stages
    assert stages(admin)["Engineering Review"]["activity_templates"] == stage["activity_templates"]
    error(as_user("engineer").patch(url, json={"activity_templates": []}), 403)


def test_entering_a_stage_creates_its_activities_on_every_visit(
    as_user: Client, product: str, fixed_clock: Any
) -> None:
    eng, admin = as_user("engineer"), as_user("admin")
    eco_id = open_eco(eng, product)
    st = stages(eng)
    review = st["Engineering Review"]
    ok(admin.patch(f"{ECO}/stages/{review['id']}", json={"activity_templates": TEMPLATES}))
    assert listing(eng, f"/{eco_id}")["total"] == 0
    fixed_clock(datetime(2027, 3, 1, 8, 0, tzinfo=UTC))
    ok(eco_move(eng, eco_id, review["id"]))
    first = listing(eng, f"/{eco_id}", sort="created_at")["items"]
    by_name = {a["name"]: a for a in first}
    assert sorted(by_name) == sorted(t["name"] for t in TEMPLATES)
    visit = eco(eng, eco_id)["stage_visit"]
    for a in first:
        assert (a["state"], a["stage_id"], a["stage_visit"]) == ("pending", review["id"], visit)
        assert a["template_name"] == a["name"]
        assert a["created_by_name"] == "engineer"
    assert by_name["Sign first article"]["depends_on"] == [
        by_name["Update drawing"]["id"],
        by_name["Check stock"]["id"],
    ]
    assert by_name["Update drawing"]["due_at"] == "2027-03-03T08:00:00Z"
    assert by_name["Check stock"]["due_at"] == "2027-03-02T08:00:00Z"
    assert by_name["Sign first article"]["assignee_role"] == "quality"
    assert by_name["Tell the customer"]["is_blocking"] is False
    assert by_name["Tell the customer"]["due_at"] is None
    # moving back creates nothing (New has no templates); the activities stay
    ok(eco_move(eng, eco_id, st["New"]["id"]))
    assert listing(eng, f"/{eco_id}")["total"] == 4
    detail = error(eco_move(eng, eco_id, review["id"]), 409, "eco_blocked")
    assert len(detail["context"]["blockers"]) == 3
    for name in ("Update drawing", "Check stock", "Sign first article"):
        finish(eng, by_name[name]["id"])
    ok(eco_move(eng, eco_id, review["id"]))
    second_visit = eco(eng, eco_id)["stage_visit"]
    assert second_visit == visit + 2
    fresh = [
        a for a in listing(eng, f"/{eco_id}", limit=50)["items"] if a["stage_visit"] == second_visit
    ]
    assert sorted(a["name"] for a in fresh) == sorted(t["name"] for t in TEMPLATES)
    assert all(a["state"] == "pending" for a in fresh)
    fresh_by_name = {a["name"]: a for a in fresh}
    assert fresh_by_name["Sign first article"]["depends_on"] == [
        fresh_by_name["Update drawing"]["id"],
        fresh_by_name["Check stock"]["id"],
    ]
    assert listing(eng, f"/{eco_id}")["total"] == 8
    blockers = ok(eng.get(f"{ACT}/{eco_id}/blockers"))["items"]
    assert sorted(b["name"] for b in blockers) == [
        "Check stock",
        "Sign first article",
        "Update drawing",
    ]
