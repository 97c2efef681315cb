"""Actuals on a plan and its variance: ISO weeks across a month, units, corrections."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.consumption.conftest import API, MakePlan, actual, move_plan, ok, refused

# (day, quantity, uom) around the plan period 2026-01-26 (Mon) .. 2026-02-08 (Sun)
ACTUALS = (
    ("2026-01-25", "40", "KG"),  # before the period: ignored
    ("2026-01-27", "30", "KG"),
    ("2026-01-31", "20000", "G"),  # 20 kg
    ("2026-02-01", "15", "KG"),
    ("2026-02-03", 100, "KG"),  # a JSON number
    ("2026-02-09", "50", "KG"),  # after the period: ignored
)


def _load(prod: TestClient, plan_id: str) -> None:
    for day, quantity, uom in ACTUALS:
        ok(actual(prod, plan_id, quantity, uom=uom, recorded_at=f"{day}T12:00:00Z"), 201)


def test_weekly_buckets_across_a_month_boundary(prod: TestClient, make_plan: MakePlan) -> None:
    plan = make_plan()
    _load(prod, plan["id"])
    v = ok(prod.get(f"{API}/consumption/plans/{plan['id']}/variance"))
    assert v["bucket"] == "week"
    assert v["item_number"] == "RESIN"
    rows = [
        (
            *tuple(
                r[k]
                for k in ("period", "period_start", "planned", "actual", "delta", "delta_ratio")
            ),
            r["status"],
        )
        for r in v["items"]
    ]
    # W05: 30 + 20 + 15 = 65 of 70 (92.9 %); W06: 100 of 70 (142.9 %)
    assert rows == [
        ("2026-W05", "2026-01-26", "70", "65", "-5", "-0.071429", "on_track"),
        ("2026-W06", "2026-02-02", "70", "100", "30", "0.428571", "over"),
    ]
    assert (v["total"]["planned"], v["total"]["actual"], v["total"]["delta"]) == (
        "140",
        "165",
        "25",
    )
    assert v["total"]["delta_ratio"] == "0.178571"


def test_monthly_view_prorates_a_weekly_plan(prod: TestClient, make_plan: MakePlan) -> None:
    plan = make_plan()
    _load(prod, plan["id"])
    v = ok(prod.get(f"{API}/consumption/plans/{plan['id']}/variance", params={"bucket": "month"}))
    rows = [
        (r["period"], r["planned"], r["actual"], r["delta_ratio"], r["status"]) for r in v["items"]
    ]
    # January holds 6 plan days (70 * 6/7 = 60) and 50 kg; February 8 days (80) and 115 kg
    assert rows == [
        ("2026-01", "60", "50", "-0.166667", "under"),
        ("2026-02", "80", "115", "0.4375", "over"),
    ]


def test_grams_are_converted_to_the_plans_kilograms(prod: TestClient, make_plan: MakePlan) -> None:
    plan = make_plan()
    record = ok(actual(prod, plan["id"], "1500", uom="g", recorded_at="2026-01-27T08:00:00Z"), 201)
    assert (record["quantity"], record["uom"]) == ("1500", "G")
    assert (record["plan_quantity"], record["plan_uom"]) == ("1.5", "KG")
    assert record["recorded_by_name"] == "production"
    assert record["source_type"] == "manual"


def test_kilograms_onto_a_metre_plan_are_refused(prod: TestClient, make_plan: MakePlan) -> None:
    plan = make_plan("CABLE", uom="M")
    detail = refused(actual(prod, plan["id"], "2", uom="KG"), 422, "uom_mismatch")
    assert detail["context"]["plan_uom"] == "M"
    assert ok(prod.get(f"{API}/consumption/plans/{plan['id']}/actuals"))["total"] == 0
    refused(actual(prod, plan["id"], "2", uom="FURLONG"), 422, "unknown_uom")


def test_closed_and_draft_plans_refuse_actuals(prod: TestClient, make_plan: MakePlan) -> None:
    plan = make_plan()
    move_plan(prod, plan["id"], "close")
    detail = refused(actual(prod, plan["id"], "1"), 409, "plan_not_active")
    assert detail["context"]["state"] == "closed"
    draft = make_plan(activate=False)
    refused(actual(prod, draft["id"], "1"), 409, "plan_not_active")


def test_negative_needs_a_correction_reference(prod: TestClient, make_plan: MakePlan) -> None:
    plan = make_plan()
    refused(actual(prod, plan["id"], "-5"), 422, "correction_required")
    refused(actual(prod, plan["id"], "-5", corrects_id="nope"), 422, "correction_not_found")
    first = ok(actual(prod, plan["id"], "30", recorded_at="2026-01-27T12:00:00Z"), 201)
    fix = ok(
        actual(prod, plan["id"], "-5", corrects_id=first["id"], recorded_at="2026-01-27T13:00:00Z"),
        201,
    )
    assert fix["corrects_id"] == first["id"]
    v = ok(prod.get(f"{API}/consumption/plans/{plan['id']}/variance"))
    assert v["items"][0]["actual"] == "25"


def test_bad_input_and_unknown_plan(prod: TestClient, make_plan: MakePlan) -> None:
    refused(actual(prod, "no-such-plan", "1"), 404, "plan_not_found")
    refused(prod.get(f"{API}/consumption/plans/no-such-plan/variance"), 404, "plan_not_found")
    plan = make_plan()
    refused(actual(prod, plan["id"], "1.0000001"), 422, "invalid_quantity")
    assert actual(prod, plan["id"], True).status_code == 422


def test_viewer_may_read_not_write(as_user: object, make_plan: MakePlan) -> None:
    plan = make_plan()
    viewer = as_user("viewer")  # type: ignore[operator]
    refused(actual(viewer, plan["id"], "1"), 403, "role_required")
    assert ok(viewer.get(f"{API}/consumption/plans/{plan['id']}"))["state"] == "active"
