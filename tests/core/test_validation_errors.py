"""Request validation answers in the house shape: one code per concept, never the values sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from yuantus.core.errors import Unprocessable
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.manufacturing import workorder_service

API = "/api/v1"


def _detail(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    detail: dict[str, Any] = response.json()["detail"]
    assert set(detail) == {"code", "message", "context"}
    assert detail["code"] == code, detail
    return detail


def test_a_too_long_password_is_refused_without_echoing_it(client: TestClient) -> None:
    secret = "TOPSECRET-" + "x" * 300
    r = client.post(f"{API}/auth/login", json={"username": "alice", "password": secret})
    detail = _detail(r, 422, "validation_failed")
    assert detail["context"]["errors"] == [
        {
            "loc": ["body", "password"],
            "msg": "String should have at most 256 characters",
            "type": "string_too_long",
        }
    ]
    assert "TOPSECRET" not in r.text


def test_a_password_of_the_wrong_type_is_refused_without_echoing_it(client: TestClient) -> None:
    r = client.post(
        f"{API}/auth/login", json={"username": "alice", "password": {"plain": "TOPSECRET-2"}}
    )
    detail = _detail(r, 422, "validation_failed")
    assert [e["loc"] for e in detail["context"]["errors"]] == [["body", "password"]]
    assert "TOPSECRET" not in r.text
    assert "input" not in r.text
    assert "ctx" not in r.text


def test_unknown_body_fields_are_unknown_fields_with_their_names(client: TestClient) -> None:
    body = {"username": "alice", "password": "TOPSECRET-3", "role": "admin", "otp": "1"}
    r = client.post(f"{API}/auth/login", json=body)
    detail = _detail(r, 422, "unknown_fields")
    assert detail["context"]["fields"] == ["otp", "role"]
    assert "TOPSECRET" not in r.text


def test_unknown_fields_on_a_patch_body(as_user: Callable[[str], TestClient]) -> None:
    eng = as_user("engineer")
    item = eng.post(f"{API}/items", json={"item_type": "Part", "name": "Bracket"}).json()
    r = eng.patch(f"{API}/items/{item['id']}", json={"colour": "red"})
    assert _detail(r, 422, "unknown_fields")["context"]["fields"] == ["colour"]


def test_malformed_json_and_mixed_errors_are_validation_failed(client: TestClient) -> None:
    r = client.post(
        f"{API}/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert _detail(r, 422, "validation_failed")["context"]["errors"][0]["type"] == "json_invalid"
    # an unknown field plus a missing one are two concepts: the general code, both errors
    r = client.post(f"{API}/auth/login", json={"username": "alice", "role": "admin"})
    errors = _detail(r, 422, "validation_failed")["context"]["errors"]
    assert sorted(e["type"] for e in errors) == ["extra_forbidden", "missing"]


LIST_FILTERS = [
    ("/items", {"item_type": "Gadget"}),
    ("/items", {"state": "nonsense"}),
    ("/eco", {"state": "nonsense"}),
    ("/eco", {"priority": "whenever"}),
    ("/routings", {"state": "nonsense"}),
    ("/workorders", {"state": "nonsense"}),
    ("/jobs", {"state": "nonsense"}),
]


@pytest.mark.parametrize(("path", "params"), LIST_FILTERS)
def test_an_unknown_filter_value_is_invalid_filter_on_every_list(
    as_user: Callable[[str], TestClient], path: str, params: dict[str, str]
) -> None:
    r = as_user("viewer").get(f"{API}{path}", params=params)
    _detail(r, 422, "invalid_filter")
    assert "nonsense" not in r.text
    assert "Gadget" not in r.text


def test_a_bad_filter_with_a_bad_limit_is_validation_failed(
    as_user: Callable[[str], TestClient],
) -> None:
    r = as_user("viewer").get(f"{API}/items", params={"state": "nonsense", "limit": 9999})
    _detail(r, 422, "validation_failed")


def test_unknown_filter_values_in_the_services_are_invalid_filter(
    session: Session,
) -> None:
    from yuantus.core.pagination import PageParams
    from yuantus.job import service as job_service
    from yuantus.manufacturing import routing_service

    page = PageParams(limit=10, offset=0)
    calls: list[Callable[[], object]] = [
        lambda: item_service.list_items(session, page, item_type="Gadget"),
        lambda: item_service.list_items(session, page, state="nonsense"),
        lambda: routing_service.list_routings(session, page, state="nonsense"),
        lambda: workorder_service.list_workorders(session, page, state="nonsense"),
        lambda: job_service.list_jobs(session, page, state="nonsense"),
    ]
    for call in calls:
        with pytest.raises(Unprocessable) as err:
            call()
        assert err.value.code == "invalid_filter"
        assert err.value.context["allowed"]


@pytest.mark.parametrize("quantity", [0, -1, "abc", None])
def test_a_bad_quantity_is_invalid_quantity_everywhere(
    as_user: Callable[[str], TestClient], quantity: object
) -> None:
    eng = as_user("engineer")
    parent = eng.post(f"{API}/items", json={"item_type": "Part", "name": "Frame"}).json()
    child = eng.post(f"{API}/items", json={"item_type": "Part", "name": "Bolt"}).json()
    line = eng.post(
        f"{API}/bom/{parent['id']}/children", json={"child_id": child["id"], "quantity": 2}
    ).json()
    answers = [
        eng.post(
            f"{API}/bom/{parent['id']}/children",
            json={"child_id": child["id"], "quantity": quantity},
        ),
        eng.patch(f"{API}/bom/lines/{line['line_id']}", json={"quantity": quantity}),
        eng.post(f"{API}/workorders", json={"product_id": parent["id"], "quantity": quantity}),
    ]
    for r in answers:
        # an explicit null on a PATCH is the "cannot be null" rule, not a quantity value
        if quantity is None and r.request.method == "PATCH":
            _detail(r, 422, "validation_failed")
            continue
        _detail(r, 422, "invalid_quantity")


def test_a_missing_quantity_is_a_schema_error(as_user: Callable[[str], TestClient]) -> None:
    r = as_user("engineer").post(f"{API}/workorders", json={"product_id": "x"})
    assert _detail(r, 422, "validation_failed")["context"]["errors"][0]["type"] == "missing"


def test_the_services_refuse_a_quantity_below_one_unit_the_same_way(
    session: Session, users: dict[str, User]
) -> None:
    from yuantus.bom import service as bom_service

    user = users["engineer"]
    parent = item_service.create(session, "Part", "Frame", user=user)
    child = item_service.create(session, "Part", "Bolt", user=user)
    with pytest.raises(Unprocessable) as err:
        bom_service.add_child(session, parent, child, 0)
    assert err.value.code == "invalid_quantity"
    with pytest.raises(Unprocessable) as err:
        workorder_service.create(session, parent.id, -3)
    assert err.value.code == "invalid_quantity"


def test_openapi_describes_the_real_422_body(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    body = schemas["ValidationErrorBody"]
    assert body["properties"]["detail"]["$ref"] == "#/components/schemas/ValidationDetail"
    assert set(schemas["FieldError"]["properties"]) == {"loc", "msg", "type"}
    answers = [
        op["responses"]["422"]
        for ops in spec["paths"].values()
        for op in ops.values()
        if "422" in op["responses"]
    ]
    assert answers
    # a schema mismatch answers ValidationErrorBody; a domain rule or an unknown parameter
    # the plain error body (its context is the rule's)
    for answer in answers:
        assert answer["content"]["application/json"]["schema"] == {
            "anyOf": [
                {"$ref": "#/components/schemas/ValidationErrorBody"},
                {"$ref": "#/components/schemas/ErrorBody"},
            ]
        }
    # and a real answer has that shape
    r = client.post(f"{API}/auth/login", json={})
    detail = r.json()["detail"]
    assert set(detail) == set(schemas["ValidationDetail"]["properties"])
    assert set(detail["context"]["errors"][0]) == {"loc", "msg", "type"}
