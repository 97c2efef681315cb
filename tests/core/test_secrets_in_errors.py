"""No error answer echoes a secret: every secret-bearing field of the API, found in OpenAPI."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

from fastapi.testclient import TestClient
from pydantic import BaseModel, field_validator

from yuantus.core.validation import is_secret_field, validation_body

MARK = "TOPSECRET"
BAD_VALUES: list[Any] = [
    f"{MARK}1",  # too short for a password, fine elsewhere: each field's own rules decide
    f"{MARK}2" + "x" * 400,  # too long everywhere
    {"nested": f"{MARK}3"},  # wrong type
    [f"{MARK}4"],  # wrong type
    987654321,  # a number where a string belongs (pydantic does not coerce in strict bodies)
]


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _secret_paths(
    schema: dict[str, Any], spec: dict[str, Any], prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """Paths (field names) to the secret fields of a request body schema."""
    schema = _resolve(schema, spec)
    for option in schema.get("anyOf", []) + schema.get("allOf", []):
        yield from _secret_paths(option, spec, prefix)
    for name, sub in schema.get("properties", {}).items():
        if is_secret_field(name):
            yield (*prefix, name)
        elif len(prefix) < 3:
            yield from _secret_paths(sub, spec, (*prefix, name))


def _secret_fields(spec: dict[str, Any]) -> list[tuple[str, str, tuple[str, ...]]]:
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {})
            for media in body.values():
                for field in _secret_paths(media.get("schema", {}), spec):
                    found.append((method, path, field))
    return sorted(set(found))


def _body(field: tuple[str, ...], value: Any) -> dict[str, Any]:
    body: dict[str, Any] = {}
    node = body
    for name in field[:-1]:
        node = node.setdefault(name, {})
    node[field[-1]] = value
    return body


def test_no_error_answer_echoes_a_value_sent_in_a_secret_field(
    as_user: Callable[[str], TestClient], client: TestClient
) -> None:
    admin = as_user("admin")
    spec = client.get("/openapi.json").json()
    fields = _secret_fields(spec)
    names = {(method, path, field[-1]) for method, path, field in fields}
    # the ones there are today; a new secret field is found (and tested) without listing it
    assert {
        ("post", "/api/v1/auth/login", "password"),
        ("post", "/api/v1/users", "password"),
        ("patch", "/api/v1/users/{user_id}", "password"),
    } <= names
    checked = 0
    for method, path, field in fields:
        url = path
        while "{" in url:
            start, end = url.index("{"), url.index("}")
            url = url[:start] + str(uuid.uuid4()) + url[end + 1 :]
        caller = client if path.endswith("/auth/login") else admin
        for value in BAD_VALUES:
            body = _body(field, value)
            r = caller.request(method.upper(), url, json=body)
            assert 400 <= r.status_code < 500, (method, path, field, r.text)
            assert MARK not in r.text, (method, path, field, r.text)
            assert "987654321" not in r.text, (method, path, field, r.text)
            # and beside valid-looking other fields, when the secret is fine but they are not
            with_others = {**_body(field, f"{MARK}-fine-pw-5"), "username": "bad name!"}
            r = caller.request(method.upper(), url, json=with_others)
            assert MARK not in r.text, (method, path, field, r.text)
            checked += 1
    assert checked >= len(BAD_VALUES) * 3


class _Quoting(BaseModel):
    """A validator that quotes what it got, as a careless future one might."""

    api_key: str
    note: str = ""

    @field_validator("api_key")
    @classmethod
    def _check(cls, value: str) -> str:
        raise ValueError(f"api key {value!r} is not one of ours")

    @field_validator("note")
    @classmethod
    def _note(cls, value: str) -> str:
        raise ValueError(f"note {value!r} is not allowed")


def test_a_validator_quoting_a_secret_is_not_repeated_but_other_fields_are() -> None:
    from pydantic import ValidationError

    try:
        _Quoting.model_validate({"api_key": "sk-live-123456", "note": "hello there"})
    except ValidationError as exc:
        body = validation_body(exc.errors())
    errors = {e["loc"][0]: e["msg"] for e in body["detail"]["context"]["errors"]}
    assert errors == {
        "api_key": "invalid value (not repeated: the field holds a secret)",
        "note": "Value error, note 'hello there' is not allowed",
    }
    assert "sk-live-123456" not in str(body)


def test_secret_names() -> None:
    for name in ("password", "new_password", "current_password", "token", "auth_secret"):
        assert is_secret_field(name), name
    for name in ("s3_secret_access_key", "api_key", "webhook_secret", "refresh_token"):
        assert is_secret_field(name), name
    for name in ("username", "name", "token_prefix", "dedupe_key", "find_num"):
        assert not is_secret_field(name), name
