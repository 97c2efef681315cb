"""The endpoints another site calls: sync role only, verified uploads, idempotent imports."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from yuantus.core.db import Database
from yuantus.doc_sync.models import DocumentReplica
from yuantus.item.models import Item

AsUser = Callable[[str], TestClient]
IN = "/api/v1/doc-sync/inbound"
OUT = "/api/v1/doc-sync/outbound"
DATA = b"drawing bytes " * 100
SHA = hashlib.sha256(DATA).hexdigest()


def _doc(number: str = "R-1", revision: str = "A", **extra: Any) -> dict[str, Any]:
    return {
        "origin_site": "site-a",
        "origin_id": f"{number}-{revision}-id",
        "origin_config_id": f"{number}-config",
        "item_number": number,
        "revision": revision,
        "state": "Released",
        "name": f"Doc {number}",
        "description": "from A",
        "properties": {"sheet": "A3"},
        "files": [
            {
                "filename": "d.pdf",
                "content_type": "application/pdf",
                "role": "native",
                "size": len(DATA),
                "sha256": SHA,
            }
        ],
        **extra,
    }


def _upload(c: TestClient, data: bytes = DATA, sha: str = SHA) -> Any:
    return c.put(f"{IN}/blobs/{sha}", files={"file": ("x", data, "application/octet-stream")})


def test_a_sync_account_calls_the_sync_endpoints_and_nothing_else(as_user: AsUser) -> None:
    sync = as_user("sync")
    assert sync.get(f"{IN}/whoami").json() == {"site_name": "local", "user": "sync"}
    for path in ("/api/v1/items", "/api/v1/doc-sync/sites", "/api/v1/doc-sync/jobs", "/api/v1/eco"):
        r = sync.get(path)
        assert r.status_code == 403, path
        assert r.json()["detail"]["code"] == "role_required"
        assert "sync" not in r.json()["detail"]["context"]["required_roles"]
    assert sync.post("/api/v1/auth/tokens", json={"name": "x"}).status_code == 403
    assert as_user("engineer").get(f"{IN}/whoami").status_code == 403
    assert as_user("viewer").post(f"{IN}/missing", json={"sha256": []}).status_code == 403
    # admin passes everywhere, these included
    assert as_user("admin").get(f"{IN}/whoami").status_code == 200


def test_missing_then_a_verified_upload(as_user: AsUser) -> None:
    sync = as_user("sync")
    other = "0" * 64
    assert sync.post(f"{IN}/missing", json={"sha256": [SHA, other, SHA]}).json() == {
        "missing": [SHA, other]
    }
    bad = _upload(sync, DATA[:-1] + b"X")
    assert bad.status_code == 422
    assert bad.json()["detail"]["code"] == "sha256_mismatch"
    assert sync.post(f"{IN}/missing", json={"sha256": [SHA]}).json() == {"missing": [SHA]}
    ok = _upload(sync)
    assert ok.status_code == 200
    assert ok.json() == {"sha256": SHA, "size": len(DATA), "created": True}
    assert _upload(sync).json()["created"] is False
    assert sync.post(f"{IN}/missing", json={"sha256": [SHA]}).json() == {"missing": []}
    assert sync.post(f"{IN}/missing", json={"sha256": ["XYZ"]}).status_code == 422
    assert sync.put(f"{IN}/blobs/not-a-hash", files={"file": ("x", b"1")}).status_code == 422


def test_import_is_verified_idempotent_and_all_or_nothing(
    as_user: AsUser, database: Database
) -> None:
    sync = as_user("sync")
    body = {"source_site": "site-a", "documents": [_doc()]}
    unreceived = sync.post(f"{IN}/documents", json=body).json()["results"]
    assert unreceived[0]["result"] == "failed"
    assert "was not received" in unreceived[0]["reason"]
    _upload(sync)
    first = sync.post(f"{IN}/documents", json=body).json()
    assert first["results"][0]["result"] == "created"
    again = sync.post(f"{IN}/documents", json=body).json()
    assert again["results"][0]["result"] == "unchanged"
    assert again["results"][0]["local_item_id"] == first["results"][0]["local_item_id"]
    changed = sync.post(
        f"{IN}/documents", json={**body, "documents": [_doc(name="renamed at A")]}
    ).json()
    assert changed["results"][0]["result"] == "updated"
    # this site's own document coming back, and a number owned here, are refused
    own = sync.post(
        f"{IN}/documents", json={**body, "documents": [_doc("R-2", origin_site="local")]}
    ).json()
    assert own["results"][0]["result"] == "failed"
    assert "originates here" in own["results"][0]["reason"]
    as_user("engineer").post(
        "/api/v1/items", json={"item_type": "Document", "item_number": "MINE-1", "name": "m"}
    )
    mine = sync.post(f"{IN}/documents", json={**body, "documents": [_doc("MINE-1")]}).json()
    assert mine["results"][0]["result"] == "failed"
    assert "not a replica" in mine["results"][0]["reason"]
    mixed = sync.post(
        f"{IN}/documents",
        json={**body, "documents": [_doc("R-3"), _doc("R-4", state="Bogus")]},
    ).json()
    assert [r["result"] for r in mixed["results"]] == ["created", "failed"]
    with database.scope() as s:
        numbers = s.scalars(select(Item.item_number).order_by(Item.item_number)).all()
        assert numbers == ["MINE-1", "R-1", "R-3"]
        assert s.scalar(select(func.count()).select_from(DocumentReplica)) == 2
    for bad in (
        {"source_site": "site-a", "documents": []},
        {"source_site": "", "documents": [_doc()]},
        {"source_site": "site-a", "documents": [{**_doc(), "files": [{"sha256": "x"}]}]},
        {"source_site": "site-a", "documents": [_doc()], "more": 1},
    ):
        assert sync.post(f"{IN}/documents", json=bad).status_code == 422


def test_outbound_lists_documents_by_id_or_number_and_streams_their_files(
    as_user: AsUser,
) -> None:
    eng = as_user("engineer")
    item = eng.post(
        "/api/v1/items", json={"item_type": "Document", "item_number": "OUT-1", "name": "o"}
    ).json()
    eng.post(
        f"/api/v1/items/{item['id']}/files",
        files={"file": ("o.bin", DATA, "application/octet-stream")},
        data={"role": "native"},
    )
    sync = as_user("sync")
    answer = sync.post(f"{OUT}/documents", json={"documents": [item["id"], "OUT-1", "NOPE"]})
    assert answer.status_code == 200
    body = answer.json()
    assert body["requested"] == [item["id"], "OUT-1"]
    assert body["not_found"] == ["NOPE"]
    assert body["documents"][0]["origin_site"] == "local"
    assert body["documents"][0]["files"][0]["sha256"] == SHA
    blob = sync.get(f"{OUT}/blobs/{SHA}")
    assert blob.status_code == 200
    assert blob.content == DATA
    missing = sync.get(f"{OUT}/blobs/{'1' * 64}")
    assert missing.status_code == 404
    assert missing.json()["detail"]["code"] == "blob_not_found"
    assert sync.post(f"{OUT}/documents", json={"documents": []}).status_code == 422
    assert as_user("viewer").get(f"{OUT}/blobs/{SHA}").status_code == 403


def test_a_batch_upload_stores_the_verified_parts_and_refuses_the_others(as_user: AsUser) -> None:
    sync = as_user("sync")
    other = b"second file"
    other_sha = hashlib.sha256(other).hexdigest()
    parts = [
        ("files", (SHA, DATA, "application/octet-stream")),
        ("files", (other_sha, other + b"!", "application/octet-stream")),
        ("files", ("not-a-hash", b"x", "application/octet-stream")),
    ]
    r = sync.post(f"{IN}/blobs", files=parts)
    assert r.status_code == 200, r.text
    assert r.json()["stored"] == [{"sha256": SHA, "size": len(DATA), "created": True}]
    assert [(x["sha256"], x["code"]) for x in r.json()["refused"]] == [
        (other_sha, "sha256_mismatch"),
        ("not-a-hash", "sha256_mismatch"),
    ]
    assert sync.post(f"{IN}/missing", json={"sha256": [SHA, other_sha]}).json() == {
        "missing": [other_sha]
    }
    assert as_user("engineer").post(f"{IN}/blobs", files=parts).status_code == 403
