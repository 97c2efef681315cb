"""Finding 6/7: the 422 renderer is total and never echoes a large input or a secret back."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.security._inputs import ITEMS, post_raw, refused
from yuantus.core.error_json import ErrorResponse
from yuantus.core.validation import validation_body

Client = Callable[[str], TestClient]


def test_a_huge_unknown_field_name_is_not_echoed(as_user: Client) -> None:
    name = "k" * 100_000
    raw = json.dumps({"item_type": "Part", "name": "x", name: 1}).encode()
    response = post_raw(as_user("engineer"), ITEMS, raw)
    detail = refused(response, 422, "unknown_fields")
    # before: the 100,000 characters came back twice (message and context)
    assert len(response.content) < 2_000
    assert detail["context"]["fields"] == ["k" * 200 + "… (100000 characters)"]


def test_thousands_of_errors_answer_the_first_fifty(as_user: Client) -> None:
    body = {"item_type": "Part", "name": "x", **{f"f{i}": i for i in range(5_000)}}
    response = post_raw(as_user("engineer"), ITEMS, json.dumps(body).encode())
    detail = refused(response, 422, "unknown_fields")
    assert len(detail["context"]["errors"]) == 50
    assert detail["context"]["omitted"] == 4_950
    assert len(response.content) < 20_000


def test_a_validator_message_quoting_a_large_value_is_cut(as_user: Client) -> None:
    # the decimal parser's message quotes what it could not read
    raw = json.dumps({"child_id": "x", "quantity": "9" * 50_000 + "x"}).encode()
    response = post_raw(as_user("engineer"), "/api/v1/bom/nope/children", raw)
    detail = refused(response, 422, "invalid_quantity")
    assert len(response.content) < 2_000
    assert len(detail["context"]["errors"][0]["msg"]) < 300


def test_the_renderer_takes_anything_an_error_carries() -> None:
    errors = [
        {
            "loc": ("body", "\ud800" * 3, b"raw\xff", 2),
            "msg": "bad \udfff",
            "type": "x",
            "input": b"\x00",
        },
        {
            "loc": ("body", "n"),
            "msg": "Input should be finite",
            "type": "finite_number",
            "input": math.nan,
        },
        {
            "loc": ("body", "x" * 5_000),
            "msg": "m" * 5_000,
            "type": "t",
            "ctx": {"error": ValueError("v")},
        },
    ]
    response = ErrorResponse(validation_body(errors), status_code=422)
    body = json.loads(bytes(response.body))  # valid UTF-8 JSON
    cleaned = body["detail"]["context"]["errors"]
    assert cleaned[0]["loc"] == ["body", "\\ud800\\ud800\\ud800", "b'raw\\xff'", 2]
    assert cleaned[0]["msg"] == "bad \\udfff"
    assert all("input" not in e and "ctx" not in e for e in cleaned)
    assert len(cleaned[2]["msg"]) < 300
    # any context: non-finite floats, bytes, surrogates, deep nesting
    deep: object = 1
    for _ in range(400):
        deep = {"a": deep}
    odd = {
        "detail": {
            "code": "c",
            "message": "\ud800",
            "context": {"f": math.inf, "b": b"\xff", "d": deep},
        }
    }
    rendered = json.loads(bytes(ErrorResponse(odd, status_code=409).body))
    assert rendered["detail"]["context"]["f"] == "inf"
    assert rendered["detail"]["message"] == "\\ud800"


def test_a_secret_is_still_never_repeated(client: TestClient, users: object) -> None:
    secret = "hunter2-but-longer" * 20  # over the password's 256 characters
    response = client.post("/api/v1/auth/login", json={"username": "engineer", "password": secret})
    refused(response, 422, "validation_failed")
    assert "hunter2" not in response.text
