"""Finding 7: a NUL character anywhere (PostgreSQL text cannot hold one) is a 422 on both DBs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.security._inputs import ITEMS, item_count, post_raw, refused
from yuantus.core.db import Database

Client = Callable[[str], TestClient]
NUL_MSG = "the NUL character (\\u0000) is not accepted"


def test_nul_in_the_login_body_is_a_422(client: TestClient, users: object) -> None:
    for raw in (
        rb'{"username":"engineer\u0000","password":"engineer-demo-pw"}',
        rb'{"username":"engineer","password":"engineer-demo-pw\u0000"}',
    ):
        detail = refused(post_raw(client, "/api/v1/auth/login", raw), 422, "validation_failed")
        assert detail["context"]["errors"][0]["msg"] == NUL_MSG
        # the secret rule holds: the password is not in the answer
        assert "demo-pw" not in detail["message"] + str(detail["context"])


@pytest.mark.parametrize(
    ("path", "loc"),
    [
        ("/api/v1/items/abc%00def", ["path"]),
        ("/api/v1/items?q=bolt%00", ["query", "q"]),
        ("/api/v1/items?prop.make_buy=buy%00", ["query", "prop.make_buy"]),
        ("/api/v1/items?created_by=%00", ["query", "created_by"]),
        ("/api/v1/items/by-number/Part/P-1%00", ["path"]),
        ("/api/v1/eco?product_number=B%00", ["query", "product_number"]),
    ],
)
def test_nul_in_a_path_or_a_query_is_a_422(as_user: Client, path: str, loc: list[str]) -> None:
    # before, on PostgreSQL: 500 (psycopg refuses NUL in a text parameter)
    detail = refused(as_user("engineer").get(path), 422, "validation_failed")
    assert detail["context"]["errors"] == [{"loc": loc, "msg": NUL_MSG, "type": "string_nul"}]


def test_nul_in_a_json_string_or_key_is_a_422_and_nothing_is_written(
    as_user: Client, database: Database
) -> None:
    eng = as_user("engineer")
    for raw, loc in (
        (rb'{"item_type":"Part","name":"a\u0000b"}', ["body", "name"]),
        (
            rb'{"item_type":"Part","name":"x","properties":{"k\u0000":1}}',
            ["body", "properties", "k\x00"],
        ),
    ):
        detail = refused(post_raw(eng, ITEMS, raw), 422, "validation_failed")
        assert detail["context"]["errors"] == [{"loc": loc, "msg": NUL_MSG, "type": "string_nul"}]
    # before: stored on SQLite, a 500 on PostgreSQL
    assert item_count(database) == 0


def test_nul_in_a_header_is_a_422(as_user: Client) -> None:
    response = as_user("engineer").get(ITEMS, headers={"X-Request-ID": "a\x00b"})
    detail = refused(response, 422, "validation_failed")
    assert detail["context"]["errors"][0]["loc"] == ["header", "x-request-id"]
    # the answer's own header is never the control character sent back
    assert "\x00" not in response.headers["x-request-id"]
    assert len(response.headers["x-request-id"]) == 32


def test_nul_in_a_bearer_token_is_a_422_that_does_not_repeat_it(client: TestClient) -> None:
    response = client.get(ITEMS, headers={"Authorization": "Bearer ytk_secret-value\x00"})
    detail = refused(response, 422, "validation_failed")
    assert detail["context"]["errors"][0]["loc"] == ["header", "authorization"]
    assert "secret-value" not in response.text
