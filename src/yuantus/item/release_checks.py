"""Release checks: a Part is released only when what it uses resolves to Released revisions.

Under rule `released` every child item of the releasing revision (its BOM lines) and every
linked document must have a Released revision. The item domain owns the walk and the linked
documents; a domain that gives revisions child items (the BOM) registers a structure
provider here (from its manifest), so the item domain never imports the domains above it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.core import manifest
from yuantus.core.errors import InvalidState
from yuantus.item import codes, lookups
from yuantus.item.models import Item, ItemDocumentLink

# a revision id -> the config ids of its child items, in line order
StructureProvider = Callable[[Session, str], list[str]]
_providers: list[StructureProvider] = []


def register_structure(provider: StructureProvider) -> StructureProvider:
    """Add a provider of a revision's child items (idempotent)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def ensure_releasable(session: Session, item: Item) -> None:
    """409 children_not_released listing, bottom-up, everything to release before this one."""
    blockers = release_blockers(session, item)
    if not blockers:
        return
    numbers = ", ".join(b["item_number"] for b in blockers)
    raise InvalidState(
        f"{item.item_number} rev {item.revision} uses items without a Released revision; "
        f"release them first, in this order: {numbers}",
        code=codes.CHILDREN_NOT_RELEASED,
        context={
            "item_id": item.id,
            "item_number": item.item_number,
            "rule": "released",
            "order": "bottom_up",
            "children": blockers,
        },
    )


def release_blockers(session: Session, item: Item) -> list[dict[str, Any]]:
    """The child items and documents without a Released revision, in a valid release order.

    Each unresolved child is listed once (at the first path it was reached by), after its
    own unresolved children and documents, found by descending into its newest revision.
    """
    # without the manifests, the BOM's provider is missing and children would go unchecked
    manifest.require_loaded("checking a release")
    out: list[dict[str, Any]] = []
    _visit(session, item, [item.item_number], out, {item.config_id})
    return out


def _visit(
    session: Session, revision: Item, path: list[str], out: list[dict[str, Any]], seen: set[str]
) -> None:
    links = list(
        session.scalars(
            select(ItemDocumentLink)
            .where(ItemDocumentLink.part_id == revision.id)
            .order_by(ItemDocumentLink.created_at, ItemDocumentLink.id)
        )
    )
    children = [c for provider in _providers for c in provider(session, revision.id)]
    wanted = [row.document_config_id for row in links] + children
    released = lookups.released_by_config(session, wanted)
    latest = lookups.latest_by_config(session, [c for c in wanted if c not in released])
    # documents first: they have no structure of their own
    for row in links:
        document = latest.get(row.document_config_id)
        if document is None or document.config_id in seen:
            continue
        seen.add(document.config_id)
        out.append(_entry("document", document, [*path, document.item_number], role=row.role))
    for config_id in children:
        child = latest.get(config_id)
        if child is None or config_id in seen:
            continue
        seen.add(config_id)
        child_path = [*path, child.item_number]
        _visit(session, child, child_path, out, seen)
        out.append(_entry("part", child, child_path))


def _entry(kind: str, item: Item, path: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "item_id": item.id,
        "config_id": item.config_id,
        "item_number": item.item_number,
        "revision": item.revision,
        "name": item.name,
        "state": item.state,
        "path": path,
        **extra,
    }
