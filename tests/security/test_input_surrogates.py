"""Finding 7: lone UTF-16 surrogates are no text: 422, never a 500 (database or renderer)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.security._inputs import ITEMS, item_count, post_raw, refused
from yuantus.core.db import Database

Client = Callable[[str], TestClient]


@pytest.mark.parametrize(
    ("raw", "loc"),
    [
        # a key of properties: before, a 500 (the 422 renderer could not encode it)
        (
            rb'{"item_type":"Part","name":"x","properties":{"\ud800":1}}',
            ["body", "properties", "\\ud800"],
        ),
        (
            rb'{"item_type":"Part","name":"x","properties":{"a":["\udfff"]}}',
            ["body", "properties", "a", 0],
        ),
        (
            rb'{"item_type":"Part","name":"x","description":"ok \ud83d then"}',
            ["body", "description"],
        ),
        # the surrogate sent as raw (CESU-8) bytes: Python's json reads it too
        (b'{"item_type":"Part","name":"x","description":"\xed\xa0\x80"}', ["body", "description"]),
    ],
)
def test_a_lone_surrogate_is_refused_and_nothing_is_written(
    as_user: Client, database: Database, raw: bytes, loc: list[object]
) -> None:
    detail = refused(post_raw(as_user("engineer"), ITEMS, raw), 422, "validation_failed")
    assert detail["context"]["errors"] == [
        {
            "loc": loc,
            "msg": "a lone UTF-16 surrogate (\\ud800-\\udfff) is not text",
            "type": "string_surrogate",
        }
    ]
    assert item_count(database) == 0


def test_a_surrogate_pair_is_text(as_user: Client) -> None:
    raw = rb'{"item_type":"Part","name":"bolt \ud83d\udd29","properties":{"\u00e9":"\u4e2d"}}'
    response = post_raw(as_user("engineer"), ITEMS, raw)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "bolt \U0001f529"
    assert response.json()["properties"] == {"é": "中"}


def test_a_body_that_is_not_utf8_is_a_422(as_user: Client, database: Database) -> None:
    # before: an undocumented 400 "There was an error parsing the body"
    raw = b'{"item_type":"Part","name":"\xff\xfe"}'
    refused(post_raw(as_user("engineer"), ITEMS, raw), 422, "validation_failed")
    assert item_count(database) == 0
