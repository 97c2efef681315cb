"""Finding 7: a Range header of thousands of digits is no 500 (int() refuses > 4300 digits)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.file.conftest import new_item, upload

Client = Callable[[str], TestClient]


def test_huge_range_numbers_serve_the_whole_content(as_user: Client) -> None:
    eng = as_user("engineer")
    link = upload(eng, new_item(eng)["id"], b"0123456789")
    url = f"/api/v1/files/{link['file_id']}/content"
    for header in ("bytes=" + "9" * 5000 + "-", "bytes=0-" + "1" * 5000, "bytes=-" + "7" * 5000):
        response = eng.get(url, headers={"Range": header})
        # an unparseable range is ignored (RFC 9110 14.2): the whole content
        assert response.status_code == 200, response.text
        assert response.content == b"0123456789"
    assert eng.get(url, headers={"Range": "bytes=2-4"}).content == b"234"
