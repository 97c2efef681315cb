"""The endpoints another site calls with its `sync` token: nothing else accepts that token.

Inbound (the other site pushes here): who this site is, which content it lacks, a verified
upload, and the import. Outbound (the other site pulls from here): documents by id or
number, and their content by sha256.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, File, Path, UploadFile
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from yuantus.core.db import Database
from yuantus.core.deps import DatabaseDep, SessionDep, SettingsDep, read_only_session
from yuantus.core.errors import NotFound, Unprocessable
from yuantus.core.http import TransactionalRoute
from yuantus.doc_sync import codes, wire
from yuantus.doc_sync.config import SyncSettings
from yuantus.doc_sync.importing import import_documents
from yuantus.doc_sync.schemas import (
    BlobBatchAnswer,
    BlobRefused,
    BlobStored,
    ExportAnswer,
    ExportQuery,
    ImportAnswer,
    ImportRequest,
    MissingAnswer,
    MissingQuery,
    SiteIdentity,
)
from yuantus.file import content
from yuantus.file.models import FileObject, ItemFile
from yuantus.file.storage import StagedBlob, get_storage, key_for
from yuantus.identity.deps import SyncUser
from yuantus.item.models import Item

# mounted by the doc-sync router, whose tag it takes
router = APIRouter(route_class=TransactionalRoute)
_SHA256 = re.compile(r"[0-9a-f]{64}")
Sha256Path = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="content sha256")]


@router.get("/doc-sync/inbound/whoami", response_model=SiteIdentity)
def whoami(user: SyncUser) -> SiteIdentity:
    """This site's name and the account the token acts as (the health probe's call)."""
    return SiteIdentity(site_name=SyncSettings().site_name, user=user.username)


@router.post("/doc-sync/inbound/missing", response_model=MissingAnswer)
def missing(body: MissingQuery, settings: SettingsDep, _user: SyncUser) -> MissingAnswer:
    """The sha256 among these whose content this site does not hold."""
    storage = get_storage(settings)
    wanted = list(dict.fromkeys(body.sha256))
    return MissingAnswer(missing=[s for s in wanted if not storage.exists(key_for(s))])


# the uploads stage their bytes with no transaction open and place them in a short one
_STAGES_FIRST = [Depends(read_only_session)]


@router.put(
    "/doc-sync/inbound/blobs/{sha256}",
    dependencies=_STAGES_FIRST,
    response_model=BlobStored,
    responses={422: {"description": "The bytes do not hash to the sha256 (`sha256_mismatch`)."}},
)
def put_blob(
    sha256: Sha256Path,
    file: Annotated[UploadFile, File(description="the content")],
    database: DatabaseDep,
    settings: SettingsDep,
    _user: SyncUser,
) -> BlobStored:
    """Store content only if its bytes hash to the sha256 it is sent as."""
    storage = get_storage(settings)
    with storage.stage(file.file, settings.max_upload_bytes) as staged:
        if staged.sha256 != sha256:
            # the spool is dropped on leaving the block: nothing of a corrupt upload stays
            raise Unprocessable(
                f"the bytes received hash to {staged.sha256}, not {sha256}: refused",
                code=codes.SHA256_MISMATCH,
                context={"expected": sha256, "received": staged.sha256, "size": staged.size},
            )
        (blob,) = _place(database, [staged])
    return blob


@router.post("/doc-sync/inbound/blobs", dependencies=_STAGES_FIRST, response_model=BlobBatchAnswer)
def post_blobs(
    files: Annotated[
        list[UploadFile], File(description="parts named by their sha256 (the part's filename)")
    ],
    database: DatabaseDep,
    settings: SettingsDep,
    _user: SyncUser,
) -> BlobBatchAnswer:
    """Store each part whose bytes hash to its name; refuse the others (one request, many)."""
    storage = get_storage(settings)
    named, refused = [], {}
    for at, part in enumerate(files):
        expected = part.filename or ""
        if _SHA256.fullmatch(expected):
            named.append((at, expected, part))
        else:
            refused[at] = _refusal(expected, "the part's filename must be its sha256")
    with storage.stage_all([p.file for _, _, p in named], settings.max_upload_bytes) as staged:
        verified = []
        for (at, expected, _), blob in zip(named, staged, strict=True):
            if blob.sha256 == expected:
                verified.append(blob)
            else:
                reason = f"the bytes received hash to {blob.sha256}, not {expected}: refused"
                refused[at] = _refusal(expected, reason)
        stored = _place(database, verified)
    return BlobBatchAnswer(stored=stored, refused=[refused[at] for at in sorted(refused)])


def _place(database: Database, staged: list[StagedBlob]) -> list[BlobStored]:
    """Move verified content into storage under the content locks, in a short transaction."""
    stored: list[BlobStored] = []
    if not staged:
        return stored
    with database.scope() as session:
        # locks in one order: two batches sharing content cannot deadlock on PostgreSQL
        for blob in sorted(staged, key=lambda b: b.key):
            content.lock_content(session, blob.key)
        for blob in staged:
            placed = blob.place()
            stored.append(
                BlobStored(sha256=placed.sha256, size=placed.size, created=placed.created)
            )
    return stored


def _refusal(sha256: str, reason: str) -> BlobRefused:
    return BlobRefused(sha256=sha256, code=codes.SHA256_MISMATCH, reason=reason)


@router.post("/doc-sync/inbound/documents", response_model=ImportAnswer)
def import_inbound(
    body: ImportRequest, session: SessionDep, settings: SettingsDep, user: SyncUser
) -> ImportAnswer:
    """Import the documents (files uploaded before); a result per document, in order."""
    own = SyncSettings().site_name
    storage = get_storage(settings)
    results = import_documents(session, storage, own, body.source_site, body.documents, user)
    return ImportAnswer(site_name=own, results=results)


@router.post("/doc-sync/outbound/documents", response_model=ExportAnswer)
def export_documents(body: ExportQuery, session: SessionDep, _user: SyncUser) -> ExportAnswer:
    """Documents by revision id, or by item number (the current revision)."""
    refs = list(dict.fromkeys(body.documents))
    by_id = {
        i.id: i
        for i in session.scalars(
            select(Item).where(Item.id.in_(refs), Item.item_type == "Document")
        )
    }
    numbers = [r for r in refs if r not in by_id]
    by_number = {
        i.item_number: i
        for i in session.scalars(
            select(Item).where(
                Item.item_number.in_(numbers), Item.item_type == "Document", Item.is_current
            )
        )
    }
    found = [(r, by_id.get(r) or by_number.get(r)) for r in refs]
    items = [(r, i) for r, i in found if i is not None]
    docs = wire.documents(session, [i for _, i in items], SyncSettings().site_name)
    return ExportAnswer(
        site_name=SyncSettings().site_name,
        documents=docs,
        requested=[r for r, _ in items],
        not_found=[r for r, i in found if i is None],
    )


@router.get(
    "/doc-sync/outbound/blobs/{sha256}",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def get_blob(
    sha256: Sha256Path, session: SessionDep, settings: SettingsDep, _user: SyncUser
) -> StreamingResponse:
    """The content of a file of a document held here, streamed."""
    held = session.scalar(
        select(FileObject.storage_key)
        .join(ItemFile, ItemFile.file_id == FileObject.id)
        .join(Item, Item.id == ItemFile.item_id)
        .where(FileObject.sha256 == sha256, Item.item_type == "Document")
        .limit(1)
    )
    if held is None:
        raise NotFound(
            f"no document file with sha256 {sha256} here",
            code=codes.BLOB_NOT_FOUND,
            context={"sha256": sha256},
        )
    storage = get_storage(settings)
    return StreamingResponse(
        storage.iter_range(held),
        media_type="application/octet-stream",
        headers={"x-content-sha256": sha256},
    )
