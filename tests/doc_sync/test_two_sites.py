"""The proof: two real server processes on loopback sync documents and their bytes.

Each site is a `yuantus start --demo` process with its own data dir, SQLite database and
in-process worker; each holds the other's `sync` token as its site secret.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.doc_sync.corrupting import corrupting
from tests.doc_sync.sites_harness import Site, free_port, sha

pytestmark = pytest.mark.slow


def _register(at: Site, other: Site, *, name: str | None = None, root: str | None = None) -> str:
    body = {
        "name": name or other.name,
        "endpoint": root or other.root,
        "auth_mode": "token",
        "auth_secret": other.sync_token(),
    }
    r = at.as_user("admin").post("/doc-sync/sites", json=body)
    assert r.status_code in (200, 201), r.text
    site_id: str = r.json()["id"]
    return site_id


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("two_sites")
    a = Site("site-a", root / "a", free_port())
    b = Site("site-b", root / "b", free_port())
    a.start()
    b.start()
    try:
        yield {"a": a, "b": b, "b_at_a": _register(a, b), "a_at_b": _register(b, a), "root": root}
    finally:
        a.stop()
        b.stop()


def _push(at: Site, site_id: str, ids: list[str], **extra: Any) -> dict[str, Any]:
    r = at.as_user("engineer").post(
        "/doc-sync/jobs",
        json={"site_id": site_id, "direction": "push", "document_ids": ids, **extra},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def _same_document(a: Site, b: Site, number: str) -> dict[str, Any]:
    """The current revision at both sites: same metadata, same bytes, B's is a replica."""
    here, there = a.by_number(number), b.by_number(number)
    assert here is not None
    assert there is not None
    for key in ("item_number", "revision", "state", "name", "description", "properties"):
        assert here[key] == there[key], key
    files_a, files_b = a.files_of(here["id"]), b.files_of(there["id"])
    assert files_a == files_b  # by content
    assert {n: sha(d) for n, d in files_a.items()} == {n: sha(d) for n, d in files_b.items()}
    return there


def test_health_probe_between_real_sites(pair: dict[str, Any]) -> None:
    a: Site = pair["a"]
    r = a.as_user("admin").post(f"/doc-sync/sites/{pair['b_at_a']}/health")
    assert r.status_code == 200
    assert r.json()["status"] == "healthy", r.json()
    assert r.json()["remote_site_name"] == "site-b"
    site = a.as_user("admin").get(f"/doc-sync/sites/{pair['b_at_a']}").json()
    assert site["last_health_status"] == "healthy"


def test_a_pushes_three_documents_then_a_repush_sends_nothing(pair: dict[str, Any]) -> None:
    a: Site = pair["a"]
    b: Site = pair["b"]
    shared = os.urandom(3000)
    docs = [
        a.document("PUSH-1", {"p1.bin": os.urandom(5000), "shared.bin": shared}),
        a.document("PUSH-2", {"p2.bin": os.urandom(7000)}, properties={"sheet": "A3"}),
        a.document("PUSH-3", {"shared.bin": shared}, description="same bytes as PUSH-1's"),
    ]
    sent_before = a.metric("yuantus_doc_sync_bytes_total", direction="push", site="site-b")
    created_before = a.metric(
        "yuantus_doc_sync_documents_total", direction="push", result="created", site="site-b"
    )
    job = _push(a, pair["b_at_a"], [d["id"] for d in docs])
    done = a.wait_job(job["id"])
    assert done["status"] == "completed", done
    assert [d["result"] for d in done["documents"]] == ["created"] * 3
    # the shared file goes once: 5000 + 3000 + 7000 bytes
    assert done["bytes_sent"] == 15000
    sent = a.metric("yuantus_doc_sync_bytes_total", direction="push", site="site-b")
    assert sent - sent_before == 15000
    created = a.metric(
        "yuantus_doc_sync_documents_total", direction="push", result="created", site="site-b"
    )
    assert created - created_before == 3
    assert done["result"]["files_sent"] == 3
    for d in docs:
        there = _same_document(a, b, d["item_number"])
        assert there["state"] == "Released"
    again = a.wait_job(_push(a, pair["b_at_a"], [d["id"] for d in docs])["id"])
    assert again["status"] == "completed"
    assert [d["result"] for d in again["documents"]] == ["unchanged"] * 3
    assert again["bytes_sent"] == 0
    assert again["result"]["files_skipped"] == 3
    revisions = b.as_user("viewer").get(f"/items/{b.by_number('PUSH-1')['id']}/revisions")  # type: ignore[index]
    assert revisions.json()["total"] == 1  # nothing duplicated


def test_b_pulls_two_documents_from_a_and_a_second_pull_is_a_no_op(pair: dict[str, Any]) -> None:
    a: Site = pair["a"]
    b: Site = pair["b"]
    one = a.document("PULL-1", {"pull1.bin": os.urandom(4000)})
    a.document("PULL-2", {"pull2.bin": os.urandom(6000), "notes.txt": b"plain text"})
    r = b.as_user("engineer").post(
        "/doc-sync/jobs",
        # a revision id and an item number
        json={
            "site_id": pair["a_at_b"],
            "direction": "pull",
            "document_ids": [one["id"], "PULL-2"],
        },
    )
    assert r.status_code == 201, r.text
    done = b.wait_job(r.json()["id"])
    assert done["status"] == "completed", done
    assert sorted(d["result"] for d in done["documents"]) == ["created", "created"]
    assert done["result"]["bytes_received"] == 4000 + 6000 + len(b"plain text")
    assert done["bytes_sent"] == 0
    for number in ("PULL-1", "PULL-2"):
        _same_document(a, b, number)
    again = b.as_user("engineer").post(
        "/doc-sync/jobs",
        json={"site_id": pair["a_at_b"], "direction": "pull", "document_ids": ["PULL-1", "PULL-2"]},
    )
    redo = b.wait_job(again.json()["id"])
    assert [d["result"] for d in redo["documents"]] == ["unchanged", "unchanged"]
    assert redo["result"]["bytes_received"] == 0


def test_replicas_are_read_only_and_a_newer_revision_supersedes(pair: dict[str, Any]) -> None:
    a: Site = pair["a"]
    b: Site = pair["b"]
    draft = a.document("RO-1", {"ro.bin": b"draft bytes"}, release=False)
    released = a.document("RO-2", {"ro2.bin": b"rev A bytes"})
    done = a.wait_job(_push(a, pair["b_at_a"], [draft["id"], released["id"]])["id"])
    assert done["status"] == "completed", done
    replica = b.by_number("RO-1")
    assert replica is not None
    eng = b.as_user("engineer")
    patch = eng.patch(f"/items/{replica['id']}", json={"name": "changed at B"})
    assert patch.status_code == 409
    assert patch.json()["detail"]["code"] == "replica_read_only"
    assert patch.json()["detail"]["context"]["origin_site"] == "site-a"
    submit = eng.post(f"/items/{replica['id']}/transitions", json={"action": "submit"})
    assert submit.json()["detail"]["code"] == "replica_read_only"
    rev_a = b.by_number("RO-2")
    assert rev_a is not None
    revise = eng.post(f"/items/{rev_a['id']}/revise")
    assert revise.status_code == 409
    assert revise.json()["detail"]["code"] == "replica_read_only"
    # at the origin: rev B, released, pushed: B's copy moves on and keeps rev A
    rev_b = a.as_user("engineer").post(f"/items/{released['id']}/revise").json()
    a.as_user("engineer").patch(f"/items/{rev_b['id']}", json={"name": "RO-2 rev B"})
    a.release(rev_b["id"])
    pushed = a.wait_job(_push(a, pair["b_at_a"], [rev_b["id"]])["id"])
    assert [d["result"] for d in pushed["documents"]] == ["updated"]
    current = _same_document(a, b, "RO-2")
    assert current["revision"] == "B"
    assert current["name"] == "RO-2 rev B"
    history = b.as_user("viewer").get(f"/items/{current['id']}/revisions").json()["items"]
    assert [(r["revision"], r["state"]) for r in history] == [
        ("A", "Superseded"),
        ("B", "Released"),
    ]


def test_a_corrupted_transfer_is_refused_and_nothing_is_imported(pair: dict[str, Any]) -> None:
    a: Site = pair["a"]
    b: Site = pair["b"]
    doc = a.document("BAD-1", {"bad.bin": os.urandom(4000)})
    with corrupting(b.root) as proxy:
        site_id = _register(a, b, name="site-b-via-proxy", root=proxy.root)
        done = a.wait_job(_push(a, site_id, [doc["id"]])["id"])
    assert proxy.corrupted == 1
    assert done["status"] == "failed"
    assert done["is_dead_letter"] is True
    [outcome] = done["documents"]
    assert outcome["result"] == "failed"
    assert "sha256_mismatch" in outcome["reason"]
    assert done["attempt_count"] == 1  # a 4xx is not retried
    assert b.by_number("BAD-1") is None
    # the same push straight to B goes through: nothing half-imported stood in its way
    ok = a.wait_job(_push(a, pair["b_at_a"], [doc["id"]])["id"])
    assert [d["result"] for d in ok["documents"]] == ["created"]
    _same_document(a, b, "BAD-1")


def test_a_released_document_auto_pushes(pair: dict[str, Any]) -> None:
    a: Site = pair["a"]
    b: Site = pair["b"]
    admin = a.as_user("admin")
    assert (
        admin.patch(f"/doc-sync/sites/{pair['b_at_a']}", json={"auto_push": True}).status_code
        == 200
    )
    try:
        doc = a.document("AUTO-1", {"auto.bin": os.urandom(2500)})
        jobs = (
            a.as_user("viewer")
            .get("/doc-sync/jobs", params={"site_id": pair["b_at_a"], "limit": 1})
            .json()["items"]
        )
        assert jobs[0]["trigger"] == "auto_push"
        assert jobs[0]["payload"]["document_ids"] == [doc["id"]]
        done = a.wait_job(jobs[0]["id"])
        assert done["status"] == "completed", done
        _same_document(a, b, "AUTO-1")
    finally:
        admin.patch(f"/doc-sync/sites/{pair['b_at_a']}", json={"auto_push": False})


def test_a_push_while_b_is_down_retries_and_completes_when_b_is_back(
    pair: dict[str, Any],
) -> None:
    a: Site = pair["a"]
    b: Site = pair["b"]
    doc = a.document("DOWN-1", {"down.bin": os.urandom(3500)})
    b.stop()
    try:
        job = _push(a, pair["b_at_a"], [doc["id"]], retry_max_attempts=20)
        # at least two failed attempts, each retried with a backoff through the queue
        deadline_job = a.wait_job(job["id"], until=("pending", "failed", "completed"))
        end = time.monotonic() + 60
        while deadline_job["attempt_count"] < 2:
            assert time.monotonic() < end
            time.sleep(0.3)
            deadline_job = a.as_user("engineer").get(f"/doc-sync/jobs/{job['id']}").json()
        assert deadline_job["status"] in ("pending", "processing")
        assert "unreachable" in (deadline_job["last_error"] or "")
        assert deadline_job["is_dead_letter"] is False
    finally:
        b.start(demo=False)
    done = a.wait_job(job["id"], timeout=240)
    assert done["status"] == "completed", (done["last_error"], done["documents"])
    assert [d["result"] for d in done["documents"]] == ["created"]
    assert done["attempt_count"] >= 3
    assert done["bytes_sent"] == 3500
    _same_document(a, b, "DOWN-1")


def test_summary_counts_the_jobs(pair: dict[str, Any]) -> None:
    a: Site = pair["a"]
    s = a.as_user("viewer").get("/doc-sync/summary", params={"window_days": 1}).json()
    by_name = {site["site_name"]: site for site in s["sites"]}
    b_site = by_name["site-b"]
    assert b_site["jobs_by_status"]["completed"] >= 6
    assert b_site["push"] >= 6
    assert b_site["bytes_sent"] > 15000
    assert by_name["site-b-via-proxy"]["dead_letters"] == 1
    assert by_name["site-b-via-proxy"]["success_rate"] == 0.0
