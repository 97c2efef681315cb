"""The transfer itself, as the worker runs it: push sends only the bytes the remote lacks,
pull downloads and verifies them, and both report each document's outcome.

A network error or a 5xx propagates (the queue retries with backoff); the outcomes so far
are published as the job's progress first, and the next attempt starts from them, so a
document created by an earlier attempt stays `created` and the bytes of every attempt are
counted. A 4xx of the remote, or any document failing, fails the job at once.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.core.errors import YuantusError
from yuantus.doc_sync import codes, metrics, wire
from yuantus.doc_sync.client import RemoteClient
from yuantus.doc_sync.config import SyncSettings
from yuantus.doc_sync.importing import import_documents
from yuantus.doc_sync.models import RemoteSite
from yuantus.doc_sync.schemas import BlobBatchAnswer, ExportAnswer, ImportAnswer, WireDocument
from yuantus.file import content
from yuantus.file.storage import ChunkStream, Storage, get_storage, key_for
from yuantus.identity.models import User
from yuantus.item.models import Item
from yuantus.job import service as job_service
from yuantus.job.models import Job
from yuantus.job.registry import JobFatalError, TaskContext

Report = Callable[[dict[str, Any]], None]
_KEPT = ("created", "updated")


class DocumentsFailed(JobFatalError, YuantusError):
    """Some documents failed (refused or corrupted): not retried; their reasons are listed."""

    status_code = 502


class Outcomes:
    """Per-document results across attempts, with the byte counts."""

    def __init__(self, previous: dict[str, Any] | None) -> None:
        prev = previous or {}
        self.earlier = {d["document"]: d for d in prev.get("documents", [])}
        self.docs: dict[str, dict[str, Any]] = {}
        self.bytes_sent = int(prev.get("bytes_sent", 0))
        self.bytes_received = int(prev.get("bytes_received", 0))
        self.files_sent = int(prev.get("files_sent", 0))
        self.files_skipped = 0
        self.attempts = int(prev.get("attempts", 0)) + 1

    def set(self, ref: str, result: str, **extra: Any) -> None:
        """Record a document's result; an earlier attempt's created/updated wins over unchanged."""
        before = self.earlier.get(ref)
        if result == "unchanged" and before is not None and before["result"] in _KEPT:
            result = before["result"]
        self.docs[ref] = {"document": ref, "result": result, **extra}

    def as_dict(self, order: list[str], extra: dict[str, Any]) -> dict[str, Any]:
        """The job's result (or progress): documents in the asked order, counts and bytes."""
        docs = [self.docs.get(r) or self.earlier.get(r) for r in order]
        listed = [d for d in docs if d is not None]
        counts = {k: sum(1 for d in listed if d["result"] == k) for k in _COUNTED}
        return {
            **extra,
            "documents": listed,
            "counts": counts,
            "bytes_sent": self.bytes_sent,
            "bytes_received": self.bytes_received,
            "files_sent": self.files_sent,
            "files_skipped": self.files_skipped,
            "attempts": self.attempts,
        }


_COUNTED = ("created", "updated", "unchanged", "failed")


def _site(session: Session, payload: dict[str, Any]) -> RemoteSite:
    site_id = (payload.get("site") or {}).get("id")
    site = session.get(RemoteSite, site_id) if site_id else None
    if site is None:
        raise JobFatalError(f"the remote site {site_id!r} no longer exists")
    if not site.is_active:
        raise JobFatalError(f"the remote site {site.name} is inactive")
    return site


def run(ctx: TaskContext, direction: str) -> dict[str, Any]:
    """The job's work; raises on failure after publishing the outcomes as progress."""
    session = ctx.session
    site = _site(session, ctx.payload)
    refs = [str(r) for r in ctx.payload.get("document_ids", [])]
    job = session.get(Job, ctx.job_id)
    outcomes = Outcomes(job.progress if job is not None else None)
    extra = {
        "site": site.name,
        "direction": direction,
        "trace_id": ctx.payload.get("trace_id"),
        "own_site": SyncSettings().site_name,
    }
    storage = get_storage(ctx.settings)
    client = RemoteClient(site, ctx.settings)
    moved_before = outcomes.bytes_sent + outcomes.bytes_received
    try:
        if direction == "push":
            push(session, storage, client, site, refs, outcomes)
        else:
            actor = session.get(User, job.created_by) if job and job.created_by else None
            pull(session, storage, client, refs, outcomes, actor)
    except YuantusError as exc:
        # the handler's transaction rolls back: the outcomes so far are written after it
        progress = outcomes.as_dict(refs, extra)
        exc.persist_after_rollback(_keep_progress(ctx.job_id, progress))
        _observe(site, direction, outcomes, moved_before)
        raise
    result = outcomes.as_dict(refs, extra)
    _observe(site, direction, outcomes, moved_before)
    failed = [d for d in result["documents"] if d["result"] == "failed"]
    if failed:
        reasons = "; ".join(f"{d['document']}: {d.get('reason')}" for d in failed[:5])
        raise DocumentsFailed(
            f"{len(failed)} of {len(refs)} documents failed: {reasons}",
            code=codes.SYNC_REMOTE_REFUSED,
        ).persist_after_rollback(_keep_progress(ctx.job_id, result))
    return result


def _observe(site: RemoteSite, direction: str, outcomes: Outcomes, before: int) -> None:
    """Count what this attempt moved and finished (not the earlier attempts it carries)."""
    moved = outcomes.bytes_sent + outcomes.bytes_received - before
    results = [doc["result"] for doc in outcomes.docs.values()]
    metrics.observe_attempt(site.name, direction, moved, results)


def _keep_progress(job_id: str, data: dict[str, Any]) -> Callable[[Session], object]:
    """An after-rollback write of the outcomes as the job's progress (the next attempt's start)."""

    def write(session: Session) -> None:
        job_service.update_progress(session, job_id, data)

    return write


def push(
    session: Session,
    storage: Storage,
    client: RemoteClient,
    site: RemoteSite,
    refs: list[str],
    outcomes: Outcomes,
) -> None:
    """Send the revisions' metadata and the files the remote lacks; import there."""
    own = SyncSettings().site_name
    items = list(session.scalars(select(Item).where(Item.id.in_(refs))))
    found = {i.id for i in items}
    for ref in refs:
        if ref not in found:
            outcomes.set(ref, "failed", reason="no such document here (deleted since)")
    sendable: list[WireDocument] = []
    ref_of: dict[str, str] = {}
    for item, doc in zip(items, wire.documents(session, items, own), strict=True):
        if doc.origin_site == site.name:
            # what came from that site goes back only from there: no echo, no loop
            outcomes.set(item.id, "failed", reason=f"a replica of {site.name}'s document")
            continue
        sendable.append(doc)
        ref_of[doc.origin_id] = item.id
    sizes = {f.sha256: f.size for d in sendable for f in d.files}
    missing = _ask_missing(client, sizes, outcomes)
    batch = SyncSettings().doc_sync_batch
    chunks = [sendable[start : start + batch] for start in range(0, len(sendable), batch)]
    uploads = _Uploads(storage, client, sizes, outcomes)
    with uploads:
        # every chunk's uploads are queued at once; a chunk imports as soon as its own are in,
        # so the remote imports one chunk while the bytes of the next ones are on the wire
        queued = [uploads.queue(_content_of(chunk, missing)) for chunk in chunks]
        for chunk, futures in zip(chunks, queued, strict=True):
            uploads.wait(futures)
            _import_chunk(client, own, chunk, ref_of, uploads.refused, outcomes)


def _content_of(chunk: list[WireDocument], missing: set[str]) -> list[str]:
    """The missing content the chunk's documents name, each once, taken out of missing."""
    out = []
    for doc in chunk:
        for f in doc.files:
            if f.sha256 in missing:
                missing.discard(f.sha256)
                out.append(f.sha256)
    return out


def _import_chunk(
    client: RemoteClient,
    own: str,
    chunk: list[WireDocument],
    ref_of: dict[str, str],
    refused: dict[str, str],
    outcomes: Outcomes,
) -> None:
    """Import the chunk's documents whose content arrived; the others fail with the reason."""
    to_import = []
    for doc in chunk:
        bad = [f for f in doc.files if f.sha256 in refused]
        if bad:
            reason = f"file {bad[0].filename} refused: {refused[bad[0].sha256]}"
            outcomes.set(ref_of[doc.origin_id], "failed", reason=reason, **_names(doc))
        else:
            to_import.append(doc)
    if not to_import:
        return
    body = {"source_site": own, "documents": [d.model_dump(mode="json") for d in to_import]}
    answer = ImportAnswer.model_validate(
        client.request("POST", "/doc-sync/inbound/documents", json=body).json()
    )
    for doc, res in zip(to_import, answer.results, strict=True):
        outcomes.set(
            ref_of[doc.origin_id],
            res.result,
            reason=res.reason,
            local_item_id=res.local_item_id,
            **_names(doc),
        )


def _names(doc: WireDocument) -> dict[str, str]:
    return {"item_number": doc.item_number, "revision": doc.revision}


def _ask_missing(client: RemoteClient, sizes: dict[str, int], outcomes: Outcomes) -> set[str]:
    """The content among sizes' that the remote does not hold."""
    if not sizes:
        return set()
    asked = sorted(sizes)
    answer = client.request("POST", "/doc-sync/inbound/missing", json={"sha256": asked}).json()
    missing = {str(s) for s in answer.get("missing", [])} & set(asked)
    outcomes.files_skipped = len(asked) - len(missing)
    return missing


class _Uploads:
    """Batched uploads of content, a few requests in flight; refusals and bytes are tallied."""

    def __init__(
        self, storage: Storage, client: RemoteClient, sizes: dict[str, int], outcomes: Outcomes
    ) -> None:
        self.storage, self.client, self.sizes, self.outcomes = storage, client, sizes, outcomes
        self.refused: dict[str, str] = {}
        # a few batches in flight: the receiver's fsync of one overlaps the next one's bytes
        self.pool = ThreadPoolExecutor(SyncSettings().doc_sync_uploads, "doc-sync-upload")

    def __enter__(self) -> _Uploads:
        return self

    def __exit__(self, *exc: object) -> None:
        # on a failure the batches not started yet are dropped; the running ones finish
        self.pool.shutdown(wait=True, cancel_futures=True)

    def queue(self, shas: list[str]) -> list[Future[BlobBatchAnswer]]:
        """Start sending the content in requests of bounded size."""
        return [self.pool.submit(self._send, batch) for batch in _batches(shas, self.sizes)]

    def wait(self, futures: list[Future[BlobBatchAnswer]]) -> None:
        """Wait for the uploads and tally them (the first error propagates)."""
        for future in futures:
            answer = future.result()
            for bad in answer.refused:
                reason = f"{self.client.site_name} refused it: {bad.code}: {bad.reason}"
                self.refused[bad.sha256] = reason
            for good in answer.stored:
                self.outcomes.bytes_sent += self.sizes.get(good.sha256, 0)
                self.outcomes.files_sent += 1

    def _send(self, batch: list[str]) -> BlobBatchAnswer:
        with ExitStack() as stack:
            parts = [
                ("files", (sha, stack.enter_context(self.storage.open(key_for(sha))), _OCTETS))
                for sha in batch
            ]
            answer = self.client.request("POST", "/doc-sync/inbound/blobs", files=parts).json()
        return BlobBatchAnswer.model_validate(answer)


_OCTETS = "application/octet-stream"
# one upload request carries up to this many bytes (or files): fewer round trips, transactions
_BATCH_BYTES = 8 * 1024 * 1024
_BATCH_FILES = 64


def _batches(shas: list[str], sizes: dict[str, int]) -> list[list[str]]:
    """The content to send, grouped into requests of bounded size."""
    out: list[list[str]] = []
    current: list[str] = []
    weight = 0
    for sha in shas:
        if current and (weight + sizes[sha] > _BATCH_BYTES or len(current) >= _BATCH_FILES):
            out.append(current)
            current, weight = [], 0
        current.append(sha)
        weight += sizes[sha]
    if current:
        out.append(current)
    return out


def _download(
    session: Session, storage: Storage, client: RemoteClient, sha: str, outcomes: Outcomes
) -> str | None:
    """Fetch content into storage if its bytes hash to sha; the refusal reason otherwise."""
    with client.stream(f"/doc-sync/outbound/blobs/{sha}") as response:
        stream = io.BufferedReader(ChunkStream(response.iter_bytes()))
        with storage.stage(stream) as staged:
            outcomes.bytes_received += staged.size
            if staged.sha256 != sha:
                return f"sha256 mismatch: sent as {sha}, the bytes hash to {staged.sha256}"
            content.lock_content(session, staged.key)
            staged.place()
    return None


def pull(
    session: Session,
    storage: Storage,
    client: RemoteClient,
    refs: list[str],
    outcomes: Outcomes,
    actor: User | None,
) -> None:
    """List the documents at the remote, download the files missing here, import them."""
    own = SyncSettings().site_name
    answer = ExportAnswer.model_validate(
        client.request("POST", "/doc-sync/outbound/documents", json={"documents": refs}).json()
    )
    for ref in answer.not_found:
        outcomes.set(ref, "failed", reason=f"not found at {answer.site_name}")
    corrupt: dict[str, str] = {}
    for doc in answer.documents:
        for f in doc.files:
            if f.sha256 in corrupt or storage.exists(key_for(f.sha256)):
                outcomes.files_skipped += 1
                continue
            reason = _download(session, storage, client, f.sha256, outcomes)
            if reason is not None:
                corrupt[f.sha256] = reason
    good = []
    for ref, doc in zip(answer.requested, answer.documents, strict=True):
        bad = [f for f in doc.files if f.sha256 in corrupt]
        if bad:
            reason = f"file {bad[0].filename} refused: {corrupt[bad[0].sha256]}"
            outcomes.set(ref, "failed", reason=reason, **_names(doc))
        else:
            good.append((ref, doc))
    results = import_documents(session, storage, own, answer.site_name, [d for _, d in good], actor)
    for (ref, doc), res in zip(good, results, strict=True):
        outcomes.set(
            ref, res.result, reason=res.reason, local_item_id=res.local_item_id, **_names(doc)
        )
