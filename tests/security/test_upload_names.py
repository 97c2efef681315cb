"""Finding 10: control characters in upload names/types are 422; Content-Disposition is RFC 6266."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from fastapi.testclient import TestClient

from tests.file.conftest import new_item, upload

Client = Callable[[str], TestClient]
BOUNDARY = "hostileboundary"


def raw_upload(client: TestClient, url: str, name: str, ctype: str) -> httpx.Response:
    """A multipart body written by hand: httpx would percent-escape the control characters."""
    body = (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="role"\r\n\r\nprintout\r\n'
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: {ctype}\r\n\r\nx\r\n"
        f"--{BOUNDARY}--\r\n"
    ).encode("latin-1")
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    response: httpx.Response = client.post(url, content=body, headers=headers)
    return response


def test_control_characters_in_names_and_types_are_refused(as_user: Client) -> None:
    eng = as_user("engineer")
    item = new_item(eng)
    url = f"/api/v1/items/{item['id']}/files"
    bad = [
        ("a\nInjected: yes.pdf", "application/pdf", "filename", "U+000A"),
        ("a\x00.pdf", "application/pdf", "filename", "U+0000"),
        ("a\x7f.pdf", "application/pdf", "filename", "U+007F"),
        ("a\x1b.pdf", "application/pdf", "filename", "U+001B"),
        ("ok.pdf", "application/pdf\x01", "content_type", "U+0001"),
    ]
    for name, ctype, field, char in bad:
        response = raw_upload(eng, url, name, ctype)
        assert response.status_code == 422, (name, response.text)
        detail = response.json()["detail"]
        assert detail["code"] == "invalid_file_name"
        assert detail["context"] == {"field": field, "character": char}
    assert eng.get(url).json()["total"] == 0


def test_content_disposition_has_ascii_fallback_and_utf8_name(as_user: Client) -> None:
    eng = as_user("engineer")
    link = upload(eng, new_item(eng)["id"], b"x", filename="Ü;q,1.pdf")
    response = eng.get(f"/api/v1/files/{link['file_id']}/content")
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"_;q,1.pdf\"; filename*=UTF-8''%C3%9C%3Bq%2C1.pdf"
    )
