"""The receiver's import: verified, idempotent, all or nothing per document, origin kept.

Each document imports in a savepoint of its own: a refusal (a file not received, a number
owned here, the site's own document coming back) rolls back that document only. The bytes
were verified when they arrived (blobs are placed only under the sha256 they hash to); the
import checks that every file it names is held, and records the replica row that makes the
revision read-only here.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yuantus.audit.service import Actor
from yuantus.core.db import new_id, utcnow
from yuantus.doc_sync.models import DocumentReplica
from yuantus.doc_sync.schemas import ImportOutcome, WireDocument
from yuantus.doc_sync.wire import fingerprint
from yuantus.file import content
from yuantus.file.models import FILE_ROLES, FileObject, ItemFile
from yuantus.file.storage import Storage, key_for
from yuantus.item import history, revisions
from yuantus.item.models import OPEN_STATES, STATES, Item

DOCUMENT = "Document"


class Refused(Exception):
    """This document cannot be imported; the reason goes into its result."""


def import_documents(
    session: Session,
    storage: Storage,
    own_site: str,
    source_site: str,
    docs: Sequence[WireDocument],
    actor: Actor | None,
) -> list[ImportOutcome]:
    """Import each document in its own savepoint; answers created/updated/unchanged/failed."""
    out = []
    for doc in docs:
        try:
            with session.begin_nested():
                result, item_id = _import_one(session, storage, own_site, source_site, doc, actor)
        except Refused as exc:
            out.append(_outcome(doc, "failed", str(exc)))
            continue
        except IntegrityError as exc:
            # a racing import of the same revision, or a second open revision of the item
            reason = f"conflicting revision here: {type(exc.orig).__name__}"
            out.append(_outcome(doc, "failed", reason))
            continue
        out.append(_outcome(doc, result, None, item_id))
    return out


def _outcome(
    doc: WireDocument, result: str, reason: str | None, item_id: str | None = None
) -> ImportOutcome:
    return ImportOutcome(
        origin_id=doc.origin_id,
        item_number=doc.item_number,
        revision=doc.revision,
        result=result,  # type: ignore[arg-type]
        reason=reason,
        local_item_id=item_id,
    )


def _check(storage: Storage, own_site: str, doc: WireDocument) -> int:
    """Refuse what cannot be a replica here; answers the revision's generation."""
    if doc.origin_site == own_site:
        raise Refused(f"{doc.item_number} rev {doc.revision} originates here: not a replica")
    if doc.state not in STATES:
        raise Refused(f"unknown state {doc.state!r}")
    try:
        generation = revisions.generation_of(doc.revision)
    except ValueError as exc:
        raise Refused(str(exc)) from exc
    for f in doc.files:
        if f.role not in FILE_ROLES:
            raise Refused(f"file {f.filename}: unknown role {f.role!r}")
        if not storage.exists(key_for(f.sha256)):
            raise Refused(f"file {f.filename} ({f.sha256}) was not received")
    return generation


def _import_one(
    session: Session,
    storage: Storage,
    own_site: str,
    source_site: str,
    doc: WireDocument,
    actor: Actor | None,
) -> tuple[str, str]:
    generation = _check(storage, own_site, doc)
    digest = fingerprint(doc)
    replica = session.scalar(
        select(DocumentReplica)
        .where(
            DocumentReplica.origin_site == doc.origin_site,
            DocumentReplica.origin_id == doc.origin_id,
        )
        .with_for_update()
    )
    if replica is not None:
        if replica.fingerprint == digest:
            return "unchanged", replica.item_id
        item = session.get(Item, replica.item_id)
        assert item is not None
        _update(session, storage, item, replica, doc, digest, source_site, actor)
        return "updated", item.id
    revisions_here = list(
        session.scalars(
            select(Item)
            .where(Item.item_type == DOCUMENT, Item.item_number == doc.item_number)
            .with_for_update()
        )
    )
    if not revisions_here:
        item = _insert(session, doc, generation, new_id(), is_current=True, actor=actor)
        result = "created"
    else:
        _check_owned_by_origin(session, revisions_here, doc)
        item = _add_revision(session, revisions_here, doc, generation, actor)
        result = "updated"
    _attach(session, storage, item, doc, actor)
    session.add(
        DocumentReplica(
            item_id=item.id,
            config_id=item.config_id,
            origin_site=doc.origin_site,
            origin_id=doc.origin_id,
            origin_config_id=doc.origin_config_id,
            source_site=source_site,
            item_number=doc.item_number,
            revision=doc.revision,
            fingerprint=digest,
            file_hashes=sorted({f.sha256 for f in doc.files}),
        )
    )
    session.flush()
    after = history.attributes(item) | {"origin_site": doc.origin_site, "origin_id": doc.origin_id}
    history.record_event(
        session, item, "replicated", after=after | {"from_site": source_site}, actor=actor
    )
    return result, item.id


def _check_owned_by_origin(session: Session, here: list[Item], doc: WireDocument) -> None:
    """Every revision of the number here must be a replica of the same origin item."""
    ids = [i.id for i in here]
    query = select(DocumentReplica).where(DocumentReplica.item_id.in_(ids))
    replicas = list(session.scalars(query))
    owners = {(r.origin_site, r.origin_config_id) for r in replicas}
    if len(replicas) != len(here) or owners != {(doc.origin_site, doc.origin_config_id)}:
        raise Refused(
            f"document {doc.item_number} exists here and is not a replica of "
            f"{doc.origin_site}'s: not overwritten"
        )
    if any(i.revision == doc.revision for i in here):
        raise Refused(f"{doc.item_number} rev {doc.revision} is here with another origin id")


def _insert(
    session: Session,
    doc: WireDocument,
    generation: int,
    config_id: str,
    *,
    is_current: bool,
    actor: Actor | None,
) -> Item:
    now = utcnow()
    item = Item(
        id=new_id(),
        item_type=DOCUMENT,
        config_id=config_id,
        item_number=doc.item_number,
        revision=doc.revision,
        generation=generation,
        is_current=is_current,
        state=doc.state,
        name=doc.name,
        description=doc.description,
        properties=dict(doc.properties),
        created_by=getattr(actor, "id", None),
        released_at=doc.released_at,
        effective_from=now if is_current else None,
    )
    session.add(item)
    return item


def _add_revision(
    session: Session, here: list[Item], doc: WireDocument, generation: int, actor: Actor | None
) -> Item:
    """Another revision of a replicated item; a newer released one supersedes the current."""
    current = next((i for i in here if i.is_current), None)
    supersedes = doc.state not in OPEN_STATES and (
        current is None or generation > current.generation
    )
    if supersedes and current is not None:
        current.is_current = False
        if current.state == "Released":
            current.state = "Superseded"
            current.superseded_at = utcnow()
        session.flush()
        history.record_event(
            session,
            current,
            "superseded",
            after=history.attributes(current) | {"by_revision": doc.revision},
            actor=actor,
        )
    return _insert(
        session,
        doc,
        generation,
        here[0].config_id,
        is_current=supersedes or current is None,
        actor=actor,
    )


def _attach(
    session: Session, storage: Storage, item: Item, doc: WireDocument, actor: Actor | None
) -> None:
    """Link the document's files (held already) to the revision."""
    links = []
    for f in doc.files:
        key = key_for(f.sha256)
        # held under the content lock: a concurrent remover of unused content sees our row
        content.lock_content(session, key)
        if not storage.exists(key):
            raise Refused(f"file {f.filename} ({f.sha256}) was not received")
        obj = FileObject(
            id=new_id(),
            filename=f.filename,
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
            storage_key=key,
            created_by=getattr(actor, "id", None),
        )
        session.add(obj)
        links.append(
            ItemFile(item_id=item.id, file_id=obj.id, role=f.role, created_by=obj.created_by)
        )
    # the ids are made here: one flush writes the revision and its file rows (the links, which
    # refer to both, go with the document's last flush) instead of a round per file
    session.flush()
    session.add_all(links)


def _update(
    session: Session,
    storage: Storage,
    item: Item,
    replica: DocumentReplica,
    doc: WireDocument,
    digest: str,
    source_site: str,
    actor: Actor | None,
) -> None:
    """The origin changed this revision (an open one): take its metadata and files."""
    before = history.attributes(item)
    item.state = doc.state
    item.name = doc.name
    item.description = doc.description
    item.properties = dict(doc.properties)
    item.released_at = doc.released_at
    item.updated_at = utcnow()
    for link in session.scalars(select(ItemFile).where(ItemFile.item_id == item.id)):
        session.delete(link)
    session.flush()
    _attach(session, storage, item, doc, actor)
    replica.fingerprint = digest
    replica.file_hashes = sorted({f.sha256 for f in doc.files})
    replica.source_site = source_site
    replica.updated_at = utcnow()
    session.flush()
    history.record_event(
        session,
        item,
        "replica_updated",
        before=before,
        after=history.attributes(item) | {"from_site": source_site},
        actor=actor,
    )
