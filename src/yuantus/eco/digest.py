"""The content digest approvals sign: a stable sha256 of a target revision's content.

The digest covers what a release publishes: the revision's attributes, its own BOM lines,
its file links (by content sha256) and its document links (role and document item).
Apply recomputes it and refuses when it differs from what the counted approvals signed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.bom.snapshot import quantity_text, revision_lines
from yuantus.core.errors import Conflict
from yuantus.eco import codes
from yuantus.eco.errors import target_missing
from yuantus.eco.models import Eco, EcoApproval
from yuantus.file import service as file_service
from yuantus.item import documents as item_documents
from yuantus.item import service as item_service
from yuantus.item.models import Item

# bumped when the hashed content changes shape, so old and new digests never collide
DIGEST_VERSION = 1


def target_content(session: Session, item: Item) -> dict[str, Any]:
    """The canonical content of a revision that its digest hashes."""
    lines = revision_lines(session, item.id)
    numbers = item_service.current_revision_rows(session, [line.child_config_id for line in lines])
    bom = [
        {
            "child_config_id": line.child_config_id,
            "child_item_number": _number(numbers.get(line.child_config_id)),
            "quantity": quantity_text(line.quantity),
            "uom": line.uom,
            "find_num": line.find_num,
            "refdes": sorted(line.refdes or []),
            "notes": line.notes,
            "properties": dict(line.properties or {}),
        }
        for line in lines
    ]
    files = [
        {"role": link.role, "sha256": link.file.sha256, "filename": link.file.filename}
        for link in file_service.list_links(session, item.id)
    ]
    doc_links = item_documents.list_links(session, item.id)
    doc_numbers = item_service.current_revision_rows(
        session, [link.document_config_id for link in doc_links]
    )
    documents = [
        {
            "role": link.role,
            "document_config_id": link.document_config_id,
            "document_number": _number(doc_numbers.get(link.document_config_id)),
        }
        for link in doc_links
    ]
    return {
        "version": DIGEST_VERSION,
        "item": {
            "item_type": item.item_type,
            "item_number": item.item_number,
            "revision": item.revision,
            "name": item.name,
            "description": item.description,
            "properties": dict(item.properties or {}),
        },
        # sorted by their own canonical text: a total order that ignores storage order
        "bom_lines": sorted(bom, key=_canonical),
        "files": sorted(files, key=_canonical),
        "documents": sorted(documents, key=_canonical),
    }


def target_digest(session: Session, item: Item) -> str:
    """The sha256 (hex) of the canonical JSON of a revision's content."""
    return hashlib.sha256(_canonical(target_content(session, item)).encode()).hexdigest()


def decision_digest(session: Session, eco: Eco) -> str:
    """The digest a decision on the ECO signs; 409 target_missing before new-revision."""
    if eco.target_item_id is None:
        raise target_missing(eco.id, "decide on it")
    return target_digest(session, item_service.get(session, eco.target_item_id))


def counted_approvals(session: Session, eco: Eco) -> list[EcoApproval]:
    """The approvals that let the ECO get where it is: "approved" since the target locked."""
    if eco.locked_since_visit is None:
        return []
    query = select(EcoApproval).where(
        EcoApproval.eco_id == eco.id,
        EcoApproval.decision == "approved",
        EcoApproval.stage_visit >= eco.locked_since_visit,
    )
    return list(session.scalars(query.order_by(EcoApproval.created_at, EcoApproval.id)))


def check_approved_content(session: Session, eco: Eco, target: Item) -> None:
    """409 approved_content_changed unless every counted approval signed the current content."""
    approvals = counted_approvals(session, eco)
    if not approvals:
        return
    current = target_digest(session, target)
    signed = {a.content_digest for a in approvals}
    if signed == {current}:
        return
    approved = sorted(signed, key=lambda d: d or "")
    raise Conflict(
        f"the content of {target.item_number} rev {target.revision} is not what was approved; "
        "move the ECO back and have it approved again",
        code=codes.APPROVED_CONTENT_CHANGED,
        context={
            "eco_id": eco.id,
            "target_item_id": target.id,
            "approved_digest": approved[0] if len(approved) == 1 else None,
            "approved_digests": approved,
            "current_digest": current,
            "approvals": [
                {
                    "approval_id": a.id,
                    "user_id": a.user_id,
                    "stage_id": a.stage_id,
                    "stage_visit": a.stage_visit,
                    "content_digest": a.content_digest,
                }
                for a in approvals
            ],
        },
    )


def _number(row: item_service.ItemRow | None) -> str | None:
    return row.item_number if row is not None else None


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
