"""Part-document links: a Part revision refers to Document items (by config) in a role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yuantus.core.error_codes import ErrorCode
from yuantus.core.errors import Conflict, Unprocessable, not_found
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.identity.models import User
from yuantus.item import changes, codes, lookups
from yuantus.item import service as item_service
from yuantus.item.models import DOCUMENT_ROLES, Item, ItemDocumentLink

Rule = Literal["latest", "released"]
RULES: tuple[Rule, ...] = ("latest", "released")


@dataclass(frozen=True)
class ResolvedLink:
    """A link with its document's number and the revision it resolves to (None: unresolved)."""

    link: ItemDocumentLink
    document_number: str
    document_name: str
    revision: Item | None


@dataclass(frozen=True)
class LinkingPart:
    """A part revision that links to a document, and the link."""

    link: ItemDocumentLink
    part: Item


def link(
    session: Session,
    part_id: str,
    *,
    role: str,
    document_id: str | None = None,
    document_config_id: str | None = None,
    user: User | None = None,
) -> ResolvedLink:
    """Link an editable Part revision to a Document (a revision id or its config), as resolved."""
    _check_role(role)
    if (document_id is None) == (document_config_id is None):
        raise Unprocessable(
            "give exactly one of document_id and document_config_id",
            code=codes.DOCUMENT_REFERENCE_REQUIRED,
        )
    # lock the part first: a release racing this link must see it (or it must see the release)
    part = item_service.get_for_update(session, part_id)
    _ensure_type(part, "Part", codes.NOT_A_PART)
    if document_id is not None:
        document = item_service.get(session, document_id)
    else:
        assert document_config_id is not None
        document = item_service.get_current(session, document_config_id)
    _ensure_type(document, "Document", codes.NOT_A_DOCUMENT)
    item_service.ensure_editable(part)
    duplicate = document_already_linked(part, document, role)
    if session.scalar(
        select(ItemDocumentLink.id).where(
            ItemDocumentLink.part_id == part.id,
            ItemDocumentLink.document_config_id == document.config_id,
            ItemDocumentLink.role == role,
        )
    ):
        raise duplicate
    row = ItemDocumentLink(
        part_id=part.id,
        document_config_id=document.config_id,
        role=role,
        created_by=user.id if user else None,
    )
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise duplicate from exc
    current = item_service.get_current(session, document.config_id)
    after = link_snapshot(row, current.item_number)
    _notify(session, part, row, "add", None, after, user)
    return ResolvedLink(row, current.item_number, current.name, current)


def unlink(session: Session, part_id: str, link_id: str, user: User | None = None) -> None:
    """Remove a document link from an editable Part revision."""
    part = item_service.get_for_update(session, part_id)
    row = session.get(ItemDocumentLink, link_id)
    if row is None or row.part_id != part.id:
        raise not_found("document_link", link_id)
    item_service.ensure_editable(part)
    document = lookups.current_revision_rows(session, [row.document_config_id]).get(
        row.document_config_id
    )
    before = link_snapshot(row, document.item_number if document else None)
    session.delete(row)
    session.flush()
    _notify(session, part, row, "remove", before, None, user)


def link_snapshot(row: ItemDocumentLink, document_number: str | None) -> dict[str, Any]:
    """A document link as JSON: role and the document item (config and number)."""
    return {
        "id": row.id,
        "role": row.role,
        "document_config_id": row.document_config_id,
        "document_number": document_number,
    }


def _notify(
    session: Session,
    part: Item,
    row: ItemDocumentLink,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    user: User | None,
) -> None:
    changes.notify(
        session,
        part,
        "document_link",
        row.id,
        action,
        before=before,
        after=after,
        user_id=user.id if user else None,
    )


def list_links(session: Session, part_id: str) -> list[ItemDocumentLink]:
    """The document links of a revision, in the order they were made (what the revision says)."""
    query = select(ItemDocumentLink).where(ItemDocumentLink.part_id == part_id)
    return list(session.scalars(query.order_by(ItemDocumentLink.created_at, ItemDocumentLink.id)))


def default_rule(part: Item) -> Rule:
    """The rule a part's links resolve under by default: released once the part is frozen."""
    return "released" if part.is_frozen else "latest"


def resolved_links(
    session: Session,
    part_id: str,
    rule: Rule | None,
    page: PageParams,
    sort: SortOrder | None = None,
) -> tuple[Rule, list[ResolvedLink], int]:
    """One page of a part's links with each document's revision under the rule, and the count."""
    part = item_service.get(session, part_id)
    used: Rule = rule or default_rule(part)
    query = select(ItemDocumentLink).where(ItemDocumentLink.part_id == part.id)
    rows, total = paginate(
        session, query.order_by(ItemDocumentLink.created_at, ItemDocumentLink.id), page, sort
    )
    configs = [row.document_config_id for row in rows]
    current = item_service.current_by_config(session, configs)
    chosen = current if used == "latest" else lookups.released_by_config(session, configs)
    answer = [
        ResolvedLink(
            link=row,
            document_number=current[row.document_config_id].item_number,
            document_name=current[row.document_config_id].name,
            revision=chosen.get(row.document_config_id),
        )
        for row in rows
    ]
    return used, answer, total


def linked_parts(
    session: Session,
    document_id: str,
    page: PageParams,
    *,
    current_only: bool = True,
    sort: SortOrder | None = None,
) -> tuple[Item, list[LinkingPart], int]:
    """The document, one page of the part revisions linking to its item, and their count."""
    document = item_service.get(session, document_id)
    _ensure_type(document, "Document", codes.NOT_A_DOCUMENT)
    query = (
        select(ItemDocumentLink, Item)
        .join(Item, Item.id == ItemDocumentLink.part_id)
        .where(ItemDocumentLink.document_config_id == document.config_id)
    )
    if current_only:
        query = query.where(Item.is_current)
    query = query.order_by(Item.item_number, Item.generation, ItemDocumentLink.role)
    if sort is not None:
        query = query.order_by(None).order_by(*sort.clauses)
    ids = query.with_only_columns(ItemDocumentLink.id).order_by(None).subquery()
    total = session.scalar(select(func.count()).select_from(ids)) or 0
    rows = session.execute(query.limit(page.limit).offset(page.offset)).all()
    return document, [LinkingPart(link=row[0], part=row[1]) for row in rows], int(total)


def copy_links(session: Session, source: Item, target: Item) -> None:
    """Give the target revision every document link of the source (used by revise)."""
    for row in list_links(session, source.id):
        session.add(
            ItemDocumentLink(
                part_id=target.id,
                document_config_id=row.document_config_id,
                role=row.role,
                created_by=row.created_by,
            )
        )
    session.flush()


def document_already_linked(part: Item, document: Item, role: str) -> Conflict:
    """409 document_already_linked."""
    return Conflict(
        f"{part.item_number} rev {part.revision} already links {document.item_number} as {role}",
        code=codes.DOCUMENT_ALREADY_LINKED,
        context={"part_id": part.id, "document_config_id": document.config_id, "role": role},
    )


def _ensure_type(item: Item, item_type: str, code: ErrorCode) -> None:
    if item.item_type != item_type:
        raise Unprocessable(
            f"{item.item_number} is a {item.item_type}, not a {item_type}",
            code=code,
            context={"item_id": item.id, "item_type": item.item_type, "expected": item_type},
        )


def _check_role(role: str) -> None:
    if role not in DOCUMENT_ROLES:
        raise Unprocessable(
            f"unknown document role {role!r}",
            code=codes.UNKNOWN_DOCUMENT_ROLE,
            context={"allowed": list(DOCUMENT_ROLES)},
        )
