"""WorkorderDocumentPackService: links with inheritance, and the pack a work station gets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.audit import service as audit
from yuantus.core.db import utcnow
from yuantus.core.errors import InvalidState, Unprocessable, not_found
from yuantus.core.orm import get_or_404
from yuantus.file.models import FileObject, ItemFile
from yuantus.identity.models import User
from yuantus.item import lookups
from yuantus.item import service as item_service
from yuantus.item.lookups import ItemRow
from yuantus.item.models import ItemDocumentLink
from yuantus.item.revision_rules import RevisionRule
from yuantus.manufacturing import routing_service, workorder_service
from yuantus.manufacturing.models import Operation, Routing, WorkOrder
from yuantus.workorder_doc import codes
from yuantus.workorder_doc.models import WorkorderDocumentLink
from yuantus.workorder_doc.schemas import LinkWrite

# orders whose documents are fixed at their release: the pack shows what was released then
RELEASED_ORDER_STATES = ("released", "in_progress", "done")


def get_link(session: Session, link_id: str) -> WorkorderDocumentLink:
    """A link by id; 404 link_not_found."""
    return get_or_404(session, WorkorderDocumentLink, link_id, codes.LINK_NOT_FOUND)


def _operation(session: Session, routing: Routing, operation_id: str | None) -> Operation | None:
    if operation_id is None:
        return None
    op = session.get(Operation, operation_id)
    if op is None:
        raise not_found("operation", operation_id)
    if op.routing_id != routing.id:
        raise Unprocessable(
            "the operation belongs to another routing",
            code=codes.OPERATION_NOT_ON_ROUTING,
            context={"operation_id": op.id, "routing_id": routing.id},
        )
    return op


def upsert_link(
    session: Session, body: LinkWrite, user: User
) -> tuple[WorkorderDocumentLink, bool]:
    """Create the link, or update the one for this routing, operation and document."""
    routing = routing_service.get(session, body.routing_id)
    op = _operation(session, routing, body.operation_id)
    document = item_service.get(session, body.document_item_id)
    if document.item_type != "Document":
        from yuantus.item import codes as item_codes

        raise Unprocessable(
            f"{document.item_number} is a {document.item_type}, not a Document",
            code=item_codes.NOT_A_DOCUMENT,
        )
    link = session.scalar(
        select(WorkorderDocumentLink).where(
            WorkorderDocumentLink.routing_id == routing.id,
            WorkorderDocumentLink.operation_id.is_(None)
            if op is None
            else WorkorderDocumentLink.operation_id == op.id,
            WorkorderDocumentLink.document_config_id == document.config_id,
        )
    )
    created = link is None
    before = None if link is None else link_snapshot(link)
    if link is None:
        link = WorkorderDocumentLink(
            routing_id=routing.id,
            operation_id=op.id if op else None,
            document_config_id=document.config_id,
            created_by=user.id,
            created_at=utcnow(),
        )
        session.add(link)
    link.inherit_to_children = body.inherit_to_children
    link.visible_in_production = body.visible_in_production
    link.sequence = body.sequence
    session.flush()
    audit.record(
        session,
        object_type="workorder_doc_link",
        object_id=link.id,
        action="create" if created else "update",
        before=before,
        after=link_snapshot(link),
        actor=user,
        scope_id=routing.id,
    )
    return link, created


def link_snapshot(link: WorkorderDocumentLink) -> dict[str, Any]:
    """The audited fields of a link."""
    return {
        "routing_id": link.routing_id,
        "operation_id": link.operation_id,
        "document_config_id": link.document_config_id,
        "inherit_to_children": link.inherit_to_children,
        "visible_in_production": link.visible_in_production,
        "sequence": link.sequence,
    }


def delete_link(session: Session, link_id: str, user: User) -> None:
    """Remove a link (packs exported before keep what they held), with its audit row."""
    link = get_link(session, link_id)
    before = link_snapshot(link)
    session.delete(link)
    session.flush()
    audit.record(
        session,
        object_type="workorder_doc_link",
        object_id=link_id,
        action="delete",
        before=before,
        actor=user,
        scope_id=before["routing_id"],
    )


def copy_links(session: Session, old: Routing, new: Routing, operations: dict[str, str]) -> None:
    """A new routing version keeps its document links (operations mapped to their copies)."""
    rows = session.scalars(
        select(WorkorderDocumentLink).where(WorkorderDocumentLink.routing_id == old.id)
    )
    for row in rows:
        session.add(
            WorkorderDocumentLink(
                routing_id=new.id,
                operation_id=operations.get(row.operation_id) if row.operation_id else None,
                document_config_id=row.document_config_id,
                inherit_to_children=row.inherit_to_children,
                visible_in_production=row.visible_in_production,
                sequence=row.sequence,
                created_by=row.created_by,
                created_at=utcnow(),
            )
        )
    session.flush()


def links_of(
    session: Session, routing: Routing, operation_id: str | None, include_inherited: bool
) -> list[tuple[WorkorderDocumentLink, bool]]:
    """A routing's (or an operation's) links, each with whether it is inherited."""
    op = _operation(session, routing, operation_id)
    query = select(WorkorderDocumentLink).where(WorkorderDocumentLink.routing_id == routing.id)
    rows = session.scalars(
        query.order_by(WorkorderDocumentLink.sequence, WorkorderDocumentLink.id)
    ).all()
    if op is None:
        return [(r, False) for r in rows if r.operation_id is None]
    own = [(r, False) for r in rows if r.operation_id == op.id]
    inherited = [(r, True) for r in rows if r.operation_id is None and r.inherit_to_children]
    return own + (inherited if include_inherited else [])


@dataclass
class Doc:
    """A document of a pack section before it is answered."""

    config_id: str
    source: str
    sequence: int = 0
    row: ItemRow | None = None
    current: ItemRow | None = None
    files: list[tuple[ItemFile, FileObject]] = field(default_factory=list)


@dataclass
class Section:
    """The routing's own documents, or one operation's."""

    operation: Operation | None
    docs: list[Doc]


@dataclass
class Pack:
    """Everything an export needs, resolved once, before any byte is sent."""

    routing: Routing
    operation_id: str | None
    workorder: WorkOrder | None
    rule: RevisionRule
    sections: list[Section]
    generated_at: object
    user: User

    def documents(self) -> list[Doc]:
        """Each document revision once, in pack order."""
        seen: dict[tuple[str, str | None], Doc] = {}
        for section in self.sections:
            for doc in section.docs:
                key = (doc.config_id, doc.row.id if doc.row else None)
                seen.setdefault(key, doc)
        return list(seen.values())


def rule_for_order(order: WorkOrder | None) -> RevisionRule:
    """As of the order's release for a released order; else the latest released."""
    if order is not None and order.state in RELEASED_ORDER_STATES and order.released_at:
        return RevisionRule("as_of", order.released_at)
    return RevisionRule("released")


def _part_documents(session: Session, routing: Routing) -> list[str]:
    """The document configs linked to the routing's product (its current revision)."""
    product = item_service.get_current(session, routing.product_config_id)
    links = session.scalars(
        select(ItemDocumentLink)
        .where(ItemDocumentLink.part_id == product.id)
        .order_by(ItemDocumentLink.created_at, ItemDocumentLink.id)
    )
    return list(dict.fromkeys(link.document_config_id for link in links))


def build_pack(
    session: Session,
    routing: Routing,
    operation_id: str | None,
    user: User,
    *,
    workorder: WorkOrder | None = None,
    include_part_documents: bool = False,
) -> Pack:
    """Resolve a pack: the visible links (with inheritance), their revisions and files."""
    ops = routing_service.list_operations(session, routing)
    if operation_id is not None:
        chosen = _operation(session, routing, operation_id)
        ops = [op for op in ops if chosen is not None and op.id == chosen.id]
    rows = session.scalars(
        select(WorkorderDocumentLink)
        .where(
            WorkorderDocumentLink.routing_id == routing.id,
            WorkorderDocumentLink.visible_in_production,
        )
        .order_by(WorkorderDocumentLink.sequence, WorkorderDocumentLink.id)
    ).all()
    routing_level = [r for r in rows if r.operation_id is None]
    part_docs = _part_documents(session, routing) if include_part_documents else []
    sections: list[Section] = []
    if operation_id is None:
        sections.append(
            Section(None, [Doc(r.document_config_id, "routing") for r in routing_level])
        )
    for op in ops:
        docs = [Doc(r.document_config_id, "operation") for r in rows if r.operation_id == op.id]
        docs += [
            Doc(r.document_config_id, "routing") for r in routing_level if r.inherit_to_children
        ]
        docs += [Doc(config, "part") for config in part_docs]
        unique: dict[str, Doc] = {}
        for doc in docs:
            unique.setdefault(doc.config_id, doc)
        sections.append(Section(op, list(unique.values())))
    rule = rule_for_order(workorder)
    _resolve(session, rule, [d for s in sections for d in s.docs])
    for section in sections:
        section.docs.sort(key=_pack_order)
    return Pack(routing, operation_id, workorder, rule, sections, utcnow(), user)


def _resolve(session: Session, rule: RevisionRule, docs: Sequence[Doc]) -> None:
    """Fill each doc's revision under the rule, its current row and its files (3 queries)."""
    configs = {d.config_id for d in docs}
    resolved = lookups.revisions_under(rule)
    chosen: dict[str, ItemRow] = {}
    if configs:
        for values in session.execute(select(resolved).where(resolved.c.config_id.in_(configs))):
            row = ItemRow(*values)
            chosen[row.config_id] = row
    current = lookups.current_revision_rows(session, configs)
    ids = {row.id for row in chosen.values()}
    files: dict[str, list[tuple[ItemFile, FileObject]]] = {}
    if ids:
        links = session.scalars(
            select(ItemFile)
            .where(ItemFile.item_id.in_(ids))
            .order_by(ItemFile.created_at, ItemFile.id)
        )
        for link in links:
            files.setdefault(link.item_id, []).append((link, link.file))
    for doc in docs:
        doc.row = chosen.get(doc.config_id)
        doc.current = current.get(doc.config_id)
        doc.files = files.get(doc.row.id, []) if doc.row else []


_SOURCES = {"operation": 0, "routing": 1, "part": 2}


def _pack_order(doc: Doc) -> tuple[int, int, str]:
    """Own documents first, then inherited, then the part's; by sequence, then number."""
    number = doc.current.item_number if doc.current else doc.config_id
    return _SOURCES[doc.source], doc.sequence, number


def pack_for_workorder(
    session: Session, workorder_id: str, user: User, *, include_part_documents: bool = False
) -> Pack:
    """The pack of a work order: its routing, every operation, as of its release."""
    order = workorder_service.get(session, workorder_id)
    if order.routing_id is None:
        raise InvalidState(
            f"work order {order.number} has no routing",
            code=codes.WORKORDER_HAS_NO_ROUTING,
        )
    routing = routing_service.get(session, order.routing_id)
    return build_pack(
        session, routing, None, user, workorder=order, include_part_documents=include_part_documents
    )
