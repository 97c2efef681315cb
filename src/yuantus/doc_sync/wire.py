"""A document revision as it travels between sites, and the digest that says it is unchanged."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.doc_sync.models import DocumentReplica
from yuantus.doc_sync.schemas import WireDocument, WireFile
from yuantus.file.models import FileObject, ItemFile
from yuantus.item.models import Item


def fingerprint(doc: WireDocument) -> str:
    """The sha256 of what an import keeps: metadata and the files by hash, role and name."""
    files = sorted((f.sha256, f.role, f.filename, f.content_type) for f in doc.files)
    kept = {
        "item_number": doc.item_number,
        "revision": doc.revision,
        "state": doc.state,
        "name": doc.name,
        "description": doc.description,
        "properties": doc.properties,
        "files": files,
    }
    text = json.dumps(kept, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def documents(session: Session, items: Sequence[Item], own_site: str) -> list[WireDocument]:
    """The wire form of revisions: a replica keeps its origin, a local one names this site."""
    ids = [i.id for i in items]
    files: dict[str, list[WireFile]] = {i: [] for i in ids}
    rows = session.execute(
        select(ItemFile.item_id, ItemFile.role, FileObject)
        .join(FileObject, FileObject.id == ItemFile.file_id)
        .where(ItemFile.item_id.in_(ids))
        .order_by(ItemFile.created_at, ItemFile.id)
    )
    for item_id, role, obj in rows:
        files[item_id].append(
            WireFile(
                filename=obj.filename,
                content_type=obj.content_type,
                role=role,
                size=obj.size,
                sha256=obj.sha256,
            )
        )
    replicas = {
        r.item_id: r
        for r in session.scalars(select(DocumentReplica).where(DocumentReplica.item_id.in_(ids)))
    }
    out = []
    for item in items:
        replica = replicas.get(item.id)
        out.append(
            WireDocument(
                origin_site=replica.origin_site if replica else own_site,
                origin_id=replica.origin_id if replica else item.id,
                origin_config_id=replica.origin_config_id if replica else item.config_id,
                item_number=item.item_number,
                revision=item.revision,
                state=item.state,
                name=item.name,
                description=item.description,
                properties=dict(item.properties or {}),
                released_at=item.released_at,
                files=files[item.id],
            )
        )
    return out
