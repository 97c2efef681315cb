"""Finding 13: no coercion a person would not mean (`true` as 1 day, "2" as a count)."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable
from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

import yuantus
from tests.file.conftest import new_item
from tests.security._inputs import refused
from yuantus.core.schemas import Schema

Client = Callable[[str], TestClient]
STAGES = "/api/v1/eco/stages"


@pytest.mark.parametrize(
    ("fields", "loc", "kind"),
    [
        ({"activity_templates": [{"name": "t", "due_in_days": True}]}, "due_in_days", "float_type"),
        ({"activity_templates": [{"name": "t", "due_in_days": "2"}]}, "due_in_days", "float_type"),
        ({"sequence": "7"}, "sequence", "int_type"),
        ({"sequence": True}, "sequence", "int_type"),
        ({"sequence": 7.0}, "sequence", "int_type"),
        ({"min_approvals": "1"}, "min_approvals", "int_type"),
        ({"is_final": "true"}, "is_final", "bool_type"),
        ({"is_final": 1}, "is_final", "bool_type"),
        ({"fold": "yes"}, "fold", "bool_type"),
    ],
)
def test_a_number_or_boolean_of_the_wrong_json_type_is_refused(
    as_user: Client, fields: dict[str, Any], loc: str, kind: str
) -> None:
    body = {"name": "Strict", "sequence": 7, **fields}
    # before: 201 with due_in_days 1.0, sequence 7, is_final true
    detail = refused(as_user("admin").post(STAGES, json=body), 422, "validation_failed")
    assert [(e["loc"][-1], e["type"]) for e in detail["context"]["errors"]] == [(loc, kind)]


def test_the_right_json_types_pass(as_user: Client) -> None:
    body = {
        "name": "Strict",
        "sequence": 7,
        "fold": True,
        "activity_templates": [{"name": "t", "due_in_days": 2}, {"name": "u", "due_in_days": 0.5}],
    }
    stage = as_user("admin").post(STAGES, json=body)
    assert stage.status_code == 201, stage.text
    assert [t["due_in_days"] for t in stage.json()["activity_templates"]] == [2.0, 0.5]


def test_quantities_keep_taking_decimal_strings_and_queries_stay_text(as_user: Client) -> None:
    eng = as_user("engineer")
    parent, child = new_item(eng)["id"], new_item(eng)["id"]
    for quantity, stored in (("2.5", "2.5"), (3, "3"), (0.25, "0.25")):
        line = eng.post(
            f"/api/v1/bom/{parent}/children", json={"child_id": child, "quantity": quantity}
        )
        assert line.status_code == 201, line.text
        assert line.json()["quantity"] == stored
        assert eng.delete(f"/api/v1/bom/lines/{line.json()['line_id']}").status_code == 204
    refused(
        eng.post(f"/api/v1/bom/{parent}/children", json={"child_id": child, "quantity": True}),
        422,
        "invalid_quantity",
    )
    # a query parameter is text by nature: "5" is the page size 5
    assert eng.get("/api/v1/items", params={"limit": "5"}).json()["limit"] == 5


def _subclasses(cls: type[Schema]) -> list[type[Schema]]:
    out: list[type[Schema]] = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def test_every_request_schema_is_strict() -> None:
    for info in pkgutil.iter_modules(yuantus.__path__):
        if info.ispkg and importlib.util.find_spec(f"yuantus.{info.name}.schemas"):
            importlib.import_module(f"yuantus.{info.name}.schemas")
    checked = 0
    for model in _subclasses(Schema):
        for name, field in model.model_fields.items():
            kinds = {int: "int_type", float: "float_type", bool: "bool_type"}
            args = [a for a in (field.annotation, *get_args(field.annotation)) if a in kinds]
            if not args:
                continue
            sent = "1" if args[0] is not bool else 1
            try:
                model.model_validate({name: sent})
            except ValidationError as exc:
                types = {e["type"] for e in exc.errors() if e["loc"] == (name,)}
            else:
                types = set()
            assert types == {kinds[args[0]]}, f"{model.__name__}.{name} took {sent!r}"
            checked += 1
    assert checked > 40


def test_types_states_and_actions_are_enums_in_the_openapi(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]

    def enum(model: str, field: str) -> list[str]:
        values: list[str] = schemas[model]["properties"][field]["enum"]
        return values

    assert enum("ItemCreate", "item_type") == ["Part", "Document"]
    assert enum("ItemRead", "item_type") == ["Part", "Document"]
    assert enum("ItemRead", "state") == ["Draft", "InReview", "Released", "Superseded", "Obsolete"]
    assert enum("ItemTransitionRequest", "action") == ["submit", "reject", "release", "obsolete"]
    assert enum("WorkOrderTransitionRequest", "action") == [
        "release",
        "start",
        "complete",
        "cancel",
    ]
    assert enum("WorkOrderRead", "state") == [
        "draft",
        "released",
        "in_progress",
        "done",
        "canceled",
    ]
    assert enum("RoutingTransitionRequest", "action") == ["release"]
    assert enum("BreakageTransitionRequest", "action") == [
        "investigate",
        "resolve",
        "close",
        "reopen",
    ]
    assert enum("PlanTransitionRequest", "action") == ["activate", "close"]
    assert enum("ActivityTransition", "action") == ["active", "completed", "canceled", "exception"]


def test_an_action_outside_the_enum_still_names_the_allowed_ones(as_user: Client) -> None:
    eng = as_user("engineer")
    item = new_item(eng)
    response = eng.post(f"/api/v1/items/{item['id']}/transitions", json={"action": "explode"})
    detail = refused(response, 422, "unknown_action")
    assert detail["context"]["allowed"] == ["obsolete", "reject", "release", "submit"]


@pytest.mark.parametrize("when", [0, 1_700_000_000, 1.5])
def test_a_date_sent_as_a_number_is_refused(as_user: Client, when: float) -> None:
    # before: 0 was 1970-01-01 (pydantic reads a number as a Unix time)
    body = {"name": "x", "eco_type": "bom", "product_id": "p", "effectivity_date": when}
    detail = refused(as_user("engineer").post("/api/v1/eco", json=body), 422, "validation_failed")
    assert [(e["loc"], e["type"]) for e in detail["context"]["errors"]] == [
        (["body", "effectivity_date"], "value_error")
    ]
