"""Finding 7: NaN, Infinity, -Infinity and 1e999 (read as inf) are refused anywhere: 422."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.security._inputs import ITEMS, item_count, post_raw, refused
from yuantus.core.db import Database

Client = Callable[[str], TestClient]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_a_non_finite_number_in_properties_is_refused_and_nothing_is_written(
    as_user: Client, database: Database, number: str
) -> None:
    raw = f'{{"item_type":"Part","name":"x","properties":{{"mass":[1,{number}]}}}}'
    detail = refused(post_raw(as_user("engineer"), ITEMS, raw.encode()), 422, "validation_failed")
    assert detail["context"]["errors"] == [
        {
            "loc": ["body", "properties", "mass", 1],
            "msg": "NaN and infinite numbers are not accepted; JSON has no such numbers",
            "type": "finite_number",
        }
    ]
    # before: 201, the number silently stored as null
    assert item_count(database) == 0


def test_a_non_finite_number_for_a_typed_field_or_a_query_free_route_is_refused(
    as_user: Client,
) -> None:
    eng = as_user("engineer")
    detail = refused(
        post_raw(eng, ITEMS, b'{"item_type":"Part","name":NaN}'), 422, "validation_failed"
    )
    assert detail["context"]["errors"][0]["loc"] == ["body", "name"]
    # a quantity: the guard answers before the decimal parser (the same code as before)
    refused(
        post_raw(eng, "/api/v1/bom/x/children", b'{"child_id":"y","quantity":Infinity}'),
        422,
        "invalid_quantity",
    )


def test_finite_numbers_still_pass(as_user: Client) -> None:
    raw = b'{"item_type":"Part","name":"x","properties":{"mass":1.5e3,"n":-2,"tiny":1e-300}}'
    response = post_raw(as_user("engineer"), ITEMS, raw)
    assert response.status_code == 201, response.text
    assert response.json()["properties"] == {"mass": 1500.0, "n": -2, "tiny": 1e-300}


def test_a_large_body_is_checked_as_well(as_user: Client, database: Database) -> None:
    # over 64 KiB the check runs in a worker thread: the same answer
    notes = ",".join(f'"n{i}"' for i in range(20_000))
    raw = f'{{"item_type":"Part","name":"x","description":[{notes},NaN]}}'.encode()
    assert len(raw) > 64 * 1024
    detail = refused(post_raw(as_user("engineer"), ITEMS, raw), 422, "validation_failed")
    assert detail["context"]["errors"][0]["loc"] == ["body", "description", 20_000]
    assert item_count(database) == 0
