"""Finding 6: JSON body size, JSON nesting, `properties` size and depth are capped."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_settings
from tests.file.conftest import new_item, upload
from tests.security._inputs import ITEMS, item_count, post_raw, refused
from yuantus.core.db import Database
from yuantus.core.settings import Settings

Client = Callable[[str], TestClient]
LIMIT = 20_000


@pytest.fixture
def settings(backend_url: str, tmp_path: Path) -> Settings:
    """Small caps, so that the tests send small bodies."""
    return make_settings(
        tmp_path / "data",
        backend_url,
        max_json_body_bytes=LIMIT,
        max_properties_bytes=1_000,
        max_properties_depth=4,
        max_json_depth=12,
        max_upload_bytes=100_000,
    )


def _item(properties: object) -> bytes:
    return json.dumps({"item_type": "Part", "name": "x", "properties": properties}).encode()


def test_a_body_over_the_limit_is_a_413_and_nothing_is_written(
    as_user: Client, database: Database
) -> None:
    raw = _item({"notes": "n" * LIMIT})
    detail = refused(post_raw(as_user("engineer"), ITEMS, raw), 413, "body_too_large")
    assert detail["context"] == {"limit": LIMIT}
    assert item_count(database) == 0


def test_a_chunked_body_over_the_limit_is_a_413_without_reading_it_all(as_user: Client) -> None:
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:
        for _ in range(1_000):  # 1 MB if read to the end
            sent.append(1)
            yield b" " * 1_000

    response = as_user("engineer").post(
        ITEMS, content=chunks(), headers={"content-type": "application/json"}
    )
    refused(response, 413, "body_too_large")


def test_a_body_without_json_content_type_is_capped_too(as_user: Client) -> None:
    response = as_user("engineer").post(ITEMS, content=b"x" * (LIMIT + 1))
    refused(response, 413, "body_too_large")


def test_an_upload_keeps_its_own_limit(as_user: Client) -> None:
    eng = as_user("engineer")
    link = upload(eng, new_item(eng)["id"], b"0" * (LIMIT * 3))  # over the JSON cap: fine
    assert link["file_id"]


def test_properties_over_their_size_are_a_413(as_user: Client, database: Database) -> None:
    detail = refused(
        post_raw(as_user("engineer"), ITEMS, _item({"n": "x" * 1_000})), 413, "properties_too_large"
    )
    assert detail["context"] == {"loc": ["body", "properties"], "bytes": 1_008, "limit": 1_000}
    assert item_count(database) == 0


def test_properties_at_their_size_pass(as_user: Client) -> None:
    response = post_raw(as_user("engineer"), ITEMS, _item({"n": "x" * 990}))  # {"n":"..."}: 1000
    assert response.status_code == 201, response.text


def test_properties_deeper_than_the_cap_are_a_422(as_user: Client, database: Database) -> None:
    eng = as_user("engineer")
    ok = post_raw(eng, ITEMS, _item({"a": {"b": {"c": [1]}}}))  # 4 levels
    assert ok.status_code == 201, ok.text
    detail = refused(
        post_raw(eng, ITEMS, _item({"a": {"b": {"c": [[1]]}}})), 422, "properties_too_deep"
    )
    assert detail["context"] == {"loc": ["body", "properties"], "limit": 4}
    # the same cap on a PATCH, and on a BOM line's properties
    patch = eng.patch(f"{ITEMS}/{ok.json()['id']}", json={"properties": {"a": [[[[1]]]]}})
    refused(patch, 422, "properties_too_deep")
    line = {"child_id": "x", "quantity": 1, "properties": {"a": [[[[1]]]]}}
    refused(
        eng.post(f"/api/v1/bom/{ok.json()['id']}/children", json=line), 422, "properties_too_deep"
    )
    assert item_count(database) == 1


@pytest.mark.parametrize("depth", [13, 400, 9_000])
def test_json_nested_deeper_than_the_cap_is_a_422_never_a_500(as_user: Client, depth: int) -> None:
    # before: 400 deep was a 500 (serialization depth), thousands a RecursionError
    nested = "[" * depth + "]" * depth
    raw = f'{{"item_type":"Part","name":"x","description":{nested}}}'.encode()
    refused(post_raw(as_user("engineer"), ITEMS, raw), 422, "json_too_deep")
