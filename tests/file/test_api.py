"""File endpoints: upload, list, detach, metadata, download with ETag and ranges."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.file.conftest import new_item, stored_blobs, upload
from yuantus.core.settings import Settings

Client = Callable[[str], TestClient]
CONTENT = os.urandom(300_000) + b"end of the drawing"


def test_upload_and_download_round_trip_identical_bytes(
    as_user: Client, settings: Settings
) -> None:
    eng = as_user("engineer")
    item = new_item(eng)
    link = upload(eng, item["id"], CONTENT, filename="Bracket drawing.pdf")
    assert link["item_id"] == item["id"]
    assert link["role"] == "printout"
    sha = hashlib.sha256(CONTENT).hexdigest()
    meta = as_user("viewer").get(f"/api/v1/files/{link['file_id']}").json()
    assert meta == link["file"]
    assert (meta["filename"], meta["content_type"], meta["size"], meta["sha256"]) == (
        "Bracket drawing.pdf",
        "application/pdf",
        len(CONTENT),
        sha,
    )
    response = as_user("viewer").get(f"/api/v1/files/{link['file_id']}/content")
    assert response.status_code == 200
    assert response.content == CONTENT
    assert hashlib.sha256(response.content).hexdigest() == sha
    assert response.headers["etag"] == f'"{sha}"'
    assert response.headers["content-length"] == str(len(CONTENT))
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="Bracket drawing.pdf"'
    )
    assert stored_blobs(settings.data_dir / "files") == [
        settings.data_dir / "files" / "sha256" / sha[:2] / sha
    ]


def test_unicode_names_paths_and_inline_disposition(as_user: Client) -> None:
    eng = as_user("engineer")
    item = new_item(eng)
    link = upload(eng, item["id"], b"{}", filename="C:\\cad\\支架 v2.glb", content_type="")
    assert link["file"]["filename"] == "支架 v2.glb"
    assert link["file"]["content_type"] == "model/gltf-binary"
    response = eng.get(f"/api/v1/files/{link['file_id']}/content", params={"inline": "true"})
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('inline; filename="__ v2.glb"')
    assert "filename*=UTF-8''%E6%94%AF%E6%9E%B6%20v2.glb" in disposition


def test_range_requests(as_user: Client) -> None:
    eng = as_user("engineer")
    link = upload(eng, new_item(eng)["id"], CONTENT)
    url = f"/api/v1/files/{link['file_id']}/content"
    size = len(CONTENT)
    cases = {
        "bytes=0-9": (0, 9),
        "bytes=100-": (100, size - 1),
        "bytes=-18": (size - 18, size - 1),
        "bytes=299990-999999999": (299990, size - 1),
        "bytes=-999999999": (0, size - 1),
    }
    for header, (start, end) in cases.items():
        response = eng.get(url, headers={"Range": header})
        assert response.status_code == 206, header
        assert response.content == CONTENT[start : end + 1]
        assert response.headers["content-range"] == f"bytes {start}-{end}/{size}"
        assert response.headers["content-length"] == str(end - start + 1)
    assert eng.get(url, headers={"Range": "bytes=-18"}).content == b"end of the drawing"
    for header in ("bytes=0-1,5-6", "items=0-1", "bytes=9-3"):
        response = eng.get(url, headers={"Range": header})
        assert response.status_code == 200, header
        assert response.content == CONTENT
    for header in (f"bytes={size}-", f"bytes={size + 5}-{size + 9}", "bytes=-0"):
        response = eng.get(url, headers={"Range": header})
        assert response.status_code == 416, header
        assert response.headers["content-range"] == f"bytes */{size}"
        assert response.json()["detail"]["code"] == "range_not_satisfiable"


def test_if_none_match_answers_304(as_user: Client) -> None:
    eng = as_user("engineer")
    link = upload(eng, new_item(eng)["id"], b"cached")
    url = f"/api/v1/files/{link['file_id']}/content"
    etag = eng.get(url).headers["etag"]
    response = eng.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert eng.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_identical_content_is_stored_once(as_user: Client, settings: Settings) -> None:
    eng = as_user("engineer")
    first = upload(eng, new_item(eng)["id"], CONTENT, filename="a.pdf")
    second = upload(eng, new_item(eng)["id"], CONTENT, filename="b.pdf", role="attachment")
    assert first["file_id"] != second["file_id"]
    assert first["file"]["sha256"] == second["file"]["sha256"]
    assert len(stored_blobs(settings.data_dir / "files")) == 1
    for link in (first, second):
        assert eng.get(f"/api/v1/files/{link['file_id']}/content").content == CONTENT


def test_oversized_upload_is_413_and_leaves_nothing(as_user: Client, settings: Settings) -> None:
    eng = as_user("engineer")
    item = new_item(eng)
    settings.max_upload_bytes = 1000
    response = eng.post(
        f"/api/v1/items/{item['id']}/files",
        files={"file": ("big.bin", b"x" * 1001, "application/octet-stream")},
    )
    assert response.status_code == 413
    assert response.json()["detail"]["code"] == "payload_too_large"
    assert response.json()["detail"]["context"]["max_upload_bytes"] == 1000
    assert stored_blobs(settings.data_dir / "files") == []
    assert eng.get(f"/api/v1/items/{item['id']}/files").json()["items"] == []
    assert upload(eng, item["id"], b"x" * 1000)["file"]["size"] == 1000


def test_bad_uploads_are_refused_and_store_nothing(as_user: Client, settings: Settings) -> None:
    eng = as_user("engineer")
    item = new_item(eng)
    url = f"/api/v1/items/{item['id']}/files"
    assert eng.post(url, data={"role": "printout"}).status_code == 422
    bad_role = eng.post(url, files={"file": ("a.txt", b"a")}, data={"role": "poster"})
    assert bad_role.status_code == 422
    missing = eng.post("/api/v1/items/nope/files", files={"file": ("a.txt", b"a")})
    assert missing.status_code == 404
    assert missing.json()["detail"]["code"] == "item_not_found"
    forbidden = as_user("viewer").post(url, files={"file": ("a.txt", b"a")})
    assert forbidden.status_code == 403
    assert stored_blobs(settings.data_dir / "files") == []


def test_frozen_revisions_refuse_file_changes(as_user: Client, settings: Settings) -> None:
    eng = as_user("engineer")
    item = new_item(eng)
    link = upload(eng, item["id"], b"rev A drawing")
    for client, transition in ((eng, "submit"), (as_user("approver"), "release")):
        moved = client.post(f"/api/v1/items/{item['id']}/transitions", json={"action": transition})
        assert moved.status_code == 200, moved.text
    refused = eng.post(f"/api/v1/items/{item['id']}/files", files={"file": ("n.txt", b"new")})
    assert refused.status_code == 409
    assert refused.json()["detail"]["code"] == "item_frozen"
    detach = eng.delete(f"/api/v1/items/{item['id']}/files/{link['id']}")
    assert detach.status_code == 409
    assert detach.json()["detail"]["code"] == "item_frozen"
    assert eng.get(f"/api/v1/items/{item['id']}/files").json()["total"] == 1
    assert len(stored_blobs(settings.data_dir / "files")) == 1


def test_list_and_detach_links(as_user: Client) -> None:
    eng = as_user("engineer")
    item, other = new_item(eng), new_item(eng)
    first = upload(eng, item["id"], b"one", filename="one.step", role="native")
    second = upload(eng, item["id"], b"two", filename="two.glb", role="viewable")
    listing = as_user("viewer").get(f"/api/v1/items/{item['id']}/files").json()
    assert listing["total"] == 2
    assert [(x["id"], x["role"]) for x in listing["items"]] == [
        (first["id"], "native"),
        (second["id"], "viewable"),
    ]
    paged = eng.get(f"/api/v1/items/{item['id']}/files", params={"limit": 1, "offset": 1})
    assert [x["id"] for x in paged.json()["items"]] == [second["id"]]
    assert eng.get("/api/v1/items/nope/files").status_code == 404

    assert eng.delete(f"/api/v1/items/{other['id']}/files/{first['id']}").status_code == 404
    assert (
        as_user("viewer").delete(f"/api/v1/items/{item['id']}/files/{first['id']}").status_code
        == 403
    )
    response = eng.delete(f"/api/v1/items/{item['id']}/files/{first['id']}")
    assert response.status_code == 204
    again = eng.delete(f"/api/v1/items/{item['id']}/files/{first['id']}")
    assert again.status_code == 404
    assert again.json()["detail"]["code"] == "item_file_not_found"
    remaining = eng.get(f"/api/v1/items/{item['id']}/files").json()["items"]
    assert [x["id"] for x in remaining] == [second["id"]]
    # the file itself stays readable: released history may still point at it
    assert eng.get(f"/api/v1/files/{first['file_id']}/content").content == b"one"


def test_unknown_files_are_404(as_user: Client) -> None:
    viewer = as_user("viewer")
    for path in ("/api/v1/files/nope", "/api/v1/files/nope/content"):
        response = viewer.get(path)
        assert response.status_code == 404
        assert response.json()["detail"]["code"] == "file_not_found"


def test_revise_copies_the_file_links(as_user: Client) -> None:
    eng = as_user("engineer")
    item = new_item(eng)
    native = upload(eng, item["id"], b"native cad", filename="p.step", role="native")
    printout = upload(eng, item["id"], b"%PDF-1.4", filename="p.pdf", role="printout")
    for client, transition in ((eng, "submit"), (as_user("approver"), "release")):
        moved = client.post(f"/api/v1/items/{item['id']}/transitions", json={"action": transition})
        assert moved.status_code == 200, moved.text
    rev_b = eng.post(f"/api/v1/items/{item['id']}/revise").json()
    links = eng.get(f"/api/v1/items/{rev_b['id']}/files").json()["items"]
    assert sorted((x["file_id"], x["role"]) for x in links) == sorted(
        [(native["file_id"], "native"), (printout["file_id"], "printout")]
    )
    # the draft's links are its own: detaching one leaves revision A untouched
    eng.delete(f"/api/v1/items/{rev_b['id']}/files/{links[0]['id']}")
    assert eng.get(f"/api/v1/items/{item['id']}/files").json()["total"] == 2
