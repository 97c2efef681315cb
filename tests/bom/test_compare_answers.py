"""The typed compare, delta and bom-changes answers are the service's results, key for key.

The response models (bom/compare_schemas.py) must neither drop a field the services build
nor add one they do not: each HTTP answer equals the service's dict made JSON-ready.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.eco.conftest import create_eco
from yuantus.bom import delta
from yuantus.bom import service as bom_service
from yuantus.bom.compare import compare_by_ids
from yuantus.core import decimals
from yuantus.core.db import Database
from yuantus.eco import queries as eco_queries
from yuantus.eco.models import Eco
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.item.models import Item

AsUser = Callable[[str], TestClient]
API = "/api/v1/bom"
MODES = [None, "only_product", "num_qty", "summarized", "by_position", "by_reference"]


def _expected_compare(database: Database, ex: dict[str, Item], **query: Any) -> Any:
    with database.scope() as s:
        return decimals.jsonable(compare_by_ids(s, ex["TOP"].id, ex["TOP_B"].id, **query))


@pytest.mark.parametrize("mode", MODES)
def test_compare_and_preview_answer_exactly_what_the_service_builds(
    as_user: AsUser, database: Database, example: dict[str, Item], mode: str | None
) -> None:
    c = as_user("viewer")
    params: dict[str, Any] = {"left_id": example["TOP"].id, "right_id": example["TOP_B"].id}
    if mode:
        params["compare_mode"] = mode
    expected = _expected_compare(database, example, compare_mode=mode)
    r = c.get(f"{API}/compare", params=params)
    assert r.status_code == 200, r.text
    assert r.json() == expected
    # the example changes lines in every mode: the typed answer is not vacuous
    assert expected["added"] or expected["changed"]

    preview = c.get(f"{API}/compare/delta/preview", params=params)
    assert preview.status_code == 200, preview.text
    assert preview.json() == decimals.jsonable(delta.build_delta_preview(expected))
    assert preview.json()["operations"]


def test_summarized_values_keep_their_own_keys(as_user: AsUser, example: dict[str, Item]) -> None:
    params = {
        "left_id": example["TOP"].id,
        "right_id": example["TOP_B"].id,
        "compare_mode": "summarized",
    }
    body = as_user("viewer").get(f"{API}/compare", params=params).json()
    line = (body["added"] or body["removed"])[0]
    assert set(line["properties"]) == {"quantity", "uom", "quantity_by_uom", "mixed_uom"}


def test_delta_apply_answers_its_typed_outcome(
    as_user: AsUser, database: Database, users: dict[str, User]
) -> None:
    eng = as_user("engineer")
    with database.scope() as s:
        left = item_service.create(s, "Part", "Frame", item_number="FR-1")
        right = item_service.create(s, "Part", "Frame", item_number="FR-2")
        target = item_service.create(s, "Part", "Frame", item_number="FR-3")
        bolt = item_service.create(s, "Part", "Bolt", item_number="BO-1")
        bom_service.add_child(s, right, bolt, 2)
        ids = {"left": left.id, "right": right.id, "target": target.id}
    params = {"left_id": ids["left"], "right_id": ids["right"]}
    ops = eng.get(f"{API}/compare/delta/preview", params=params).json()["operations"]
    r = eng.post(f"{API}/compare/delta/apply", json={"target_id": ids["target"], "operations": ops})
    assert r.status_code == 200, r.text
    body = r.json()
    # the target's keys are the service's (a name joins them once it carries one)
    assert {k: body["target"][k] for k in ("id", "item_number", "revision")} == {
        "id": ids["target"],
        "item_number": "FR-3",
        "revision": "A",
    }
    assert None not in body["target"].values()
    assert (body["applied"], body["verified"]) == ({"add": 1, "remove": 0, "update": 0}, 0)


def test_delta_export_declares_its_media_types(app: Any) -> None:
    content = app.openapi()["paths"][f"{API}/compare/delta/export"]["get"]["responses"]["200"][
        "content"
    ]
    assert set(content) == {"application/json", "text/csv", "text/markdown"}


def test_eco_bom_changes_answer_exactly_what_the_service_builds(
    as_user: AsUser, database: Database, users: dict[str, User]
) -> None:
    from tests.eco.test_bom_changes import assembly

    eng = as_user("engineer")
    parts = assembly(database, users["engineer"])
    eco = create_eco(eng, parts["top"], name="more bolts")
    target = eng.post(f"/api/v1/eco/{eco['id']}/new-revision").json()["target_item_id"]
    r = eng.post(f"{API}/{target}/children", json={"child_id": parts["rib"], "quantity": 2})
    assert r.status_code == 201, r.text
    answer = eng.get(f"/api/v1/eco/{eco['id']}/bom-changes")
    assert answer.status_code == 200, answer.text
    with database.scope() as s:
        expected = decimals.jsonable(eco_queries.bom_changes(s, s.get_one(Eco, eco["id"])))
    assert answer.json() == expected
    assert answer.json()["delta"]["summary"]["add"] == 1
