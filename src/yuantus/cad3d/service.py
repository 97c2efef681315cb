"""ThreeDOverlayService: overlays upserted by document, role visibility, live component lookups."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.audit import service as audit
from yuantus.cad3d import codes
from yuantus.cad3d.models import ThreeDOverlay, normalized_ref
from yuantus.cad3d.schemas import ComponentLookup, LinkedDocument, LiveItem, OverlayWrite
from yuantus.core.db import utcnow
from yuantus.core.errors import NotFound, PayloadTooLarge, PermissionDenied, Unprocessable
from yuantus.identity.models import User
from yuantus.item import codes as item_codes
from yuantus.item import lookups
from yuantus.item import service as item_service
from yuantus.item.lookups import ItemRow
from yuantus.item.models import ItemDocumentLink
from yuantus.item.revision_rules import RevisionRule

MAX_REFS = 5000


def overlay_of(session: Session, document_id: str) -> ThreeDOverlay:
    """The overlay of a document revision; 404 item_not_found / overlay_not_found."""
    item_service.get(session, document_id)
    overlay = session.scalar(
        select(ThreeDOverlay).where(ThreeDOverlay.document_item_id == document_id)
    )
    if overlay is None:
        raise NotFound(
            "the document has no 3D overlay",
            code=codes.OVERLAY_NOT_FOUND,
            context={"document_item_id": document_id},
        )
    return overlay


def may_see(overlay: ThreeDOverlay, user: User) -> bool:
    """An overlay without roles is for every signed-in user; else a role (admin always)."""
    return not overlay.visibility_roles or user.has_role(*overlay.visibility_roles)


# the audit action of a refused overlay lookup
ACCESS_REFUSED = "overlay_access_refused"


def ensure_visible(overlay: ThreeDOverlay, user: User) -> None:
    """403 overlay_access_denied unless the user may see the overlay."""
    if not may_see(overlay, user):
        error = PermissionDenied(
            "this 3D overlay is restricted to other roles",
            code=codes.OVERLAY_ACCESS_DENIED,
            context={"visibility_roles": list(overlay.visibility_roles)},
        )
        # a refused lookup leaves a trace that GET /ops/summary counts (cad3d/ops.py); the
        # rollback expires the ORM objects, so the write takes plain values
        overlay_id, roles = overlay.id, list(user.roles)
        actor = audit.NamedActor(username=user.username, id=user.id)
        raise error.persist_after_rollback(
            lambda s: audit.record(
                s,
                object_type="cad3d_overlay",
                object_id=overlay_id,
                action=ACCESS_REFUSED,
                after={"roles": roles},
                actor=actor,
            )
        )


def _components(session: Session, body: OverlayWrite) -> list[dict[str, Any]]:
    """The components to store: refs unique (trimmed, any case), parts by config."""
    assert body.components is not None
    seen: dict[str, str] = {}
    out = []
    for component in body.components:
        key = normalized_ref(component.component_ref)
        if key in seen:
            raise Unprocessable(
                f"component ref {component.component_ref!r} is given twice",
                code=codes.DUPLICATE_COMPONENT_REF,
                context={"component_ref": component.component_ref},
            )
        seen[key] = component.component_ref
        part = item_service.get(session, component.item_id)
        out.append(
            {
                "component_ref": component.component_ref.strip(),
                "item_config_id": part.config_id,
                "label": component.label,
                "properties": component.properties,
            }
        )
    return out


def upsert(session: Session, body: OverlayWrite, user: User) -> ThreeDOverlay:
    """Create or replace the overlay of a Document revision."""
    document = item_service.get(session, body.document_item_id)
    if document.item_type != "Document":
        raise Unprocessable(
            f"{document.item_number} is a {document.item_type}, not a Document",
            code=item_codes.NOT_A_DOCUMENT,
        )
    overlay = session.scalar(
        select(ThreeDOverlay).where(ThreeDOverlay.document_item_id == document.id)
    )
    components = _components(session, body) if body.components is not None else None
    before = snapshot(overlay) if overlay is not None else None
    now = utcnow()
    if overlay is None:
        overlay = ThreeDOverlay(
            document_item_id=document.id, components=[], created_by=user.id, created_at=now
        )
        session.add(overlay)
    overlay.version_label = body.version_label
    overlay.status = body.status
    overlay.visibility_roles = list(dict.fromkeys(body.visibility_roles))
    overlay.properties = body.properties
    if components is not None:
        overlay.components = components
    overlay.updated_at = now
    session.flush()
    audit.record(
        session,
        object_type="cad3d_overlay",
        object_id=overlay.id,
        action="create" if before is None else "update",
        before=before,
        after=snapshot(overlay),
        actor=user,
        scope_id=document.config_id,
    )
    return overlay


def snapshot(overlay: ThreeDOverlay) -> dict[str, Any]:
    """The audited fields of an overlay: who may see it and which ref is which part."""
    return {
        "document_item_id": overlay.document_item_id,
        "version_label": overlay.version_label,
        "status": overlay.status,
        "visibility_roles": list(overlay.visibility_roles),
        "components": [[c["component_ref"], c["item_config_id"]] for c in overlay.components],
    }


def _live(row: ItemRow | None) -> LiveItem | None:
    if row is None:
        return None
    return LiveItem(
        item_id=row.id,
        config_id=row.config_id,
        item_number=row.item_number,
        revision=row.revision,
        state=row.state,
        name=row.name,
    )


def _under_rule(session: Session, rule: RevisionRule, configs: set[str]) -> dict[str, ItemRow]:
    """The revision each config resolves to under the rule (chunked, one query per 5,000)."""
    out: dict[str, ItemRow] = {}
    wanted = sorted(configs)
    resolved = lookups.revisions_under(rule)
    for start in range(0, len(wanted), lookups.LOOKUP_CHUNK):
        chunk = wanted[start : start + lookups.LOOKUP_CHUNK]
        for values in session.execute(select(resolved).where(resolved.c.config_id.in_(chunk))):
            row = ItemRow(*values)
            out[row.config_id] = row
    return out


def _documents(
    session: Session, rule: RevisionRule, part_ids: set[str]
) -> dict[str, list[LinkedDocument]]:
    """The documents linked to each part revision, at their revision under the rule."""
    if not part_ids:
        return {}
    links = session.scalars(
        select(ItemDocumentLink)
        .where(ItemDocumentLink.part_id.in_(part_ids))
        .order_by(ItemDocumentLink.created_at, ItemDocumentLink.id)
    ).all()
    configs = {link.document_config_id for link in links}
    chosen = _under_rule(session, rule, configs)
    current = lookups.current_revision_rows(session, configs)
    out: dict[str, list[LinkedDocument]] = {}
    for link in links:
        doc, now = chosen.get(link.document_config_id), current.get(link.document_config_id)
        if now is None:
            continue
        out.setdefault(link.part_id, []).append(
            LinkedDocument(
                role=link.role,
                document_config_id=link.document_config_id,
                item_number=now.item_number,
                revision=doc.revision if doc else None,
                state=doc.state if doc else None,
                name=now.name,
            )
        )
    return out


def resolve(
    session: Session, overlay: ThreeDOverlay, refs: Sequence[str], rule: RevisionRule
) -> tuple[list[ComponentLookup], list[str]]:
    """Live lookups of many refs with a fixed number of queries; (lookups, unknown refs)."""
    if len(refs) > MAX_REFS:
        raise PayloadTooLarge(
            f"at most {MAX_REFS} refs per request; got {len(refs)}",
            code=codes.TOO_MANY_REFS,
            context={"max_refs": MAX_REFS, "refs": len(refs)},
        )
    by_ref = {normalized_ref(c["component_ref"]): c for c in overlay.components}
    found: list[dict[str, Any]] = []
    unknown: list[str] = []
    asked: set[str] = set()
    for ref in refs:
        key = normalized_ref(ref)
        if key in asked:
            continue
        asked.add(key)
        if key in by_ref:
            found.append(by_ref[key])
        else:
            unknown.append(ref)
    configs = {c["item_config_id"] for c in found}
    chosen = _under_rule(session, rule, configs)
    current = lookups.current_revision_rows(session, configs)
    documents = _documents(session, rule, {row.id for row in chosen.values()})
    answers = []
    for component in found:
        config = component["item_config_id"]
        row, now = chosen.get(config), current.get(config)
        if now is None:
            status = "item_missing"
        elif now.state == "Obsolete":
            status = "obsolete"
        elif row is None:
            status = "no_revision_under_rule"
        else:
            status = "ok"
        answers.append(
            ComponentLookup(
                component_ref=component["component_ref"],
                label=component.get("label"),
                status=status,  # type: ignore[arg-type]
                rule=rule.describe(),
                item=_live(row),
                current=_live(now),
                documents=documents.get(row.id, []) if row else [],
            )
        )
    return answers, unknown


def lookup(
    session: Session, overlay: ThreeDOverlay, ref: str, rule: RevisionRule
) -> ComponentLookup:
    """One ref's live lookup; 404 component_not_found for a ref the overlay does not know."""
    answers, _unknown = resolve(session, overlay, [ref], rule)
    if not answers:
        raise NotFound(
            f"the overlay has no component {ref!r}",
            code=codes.COMPONENT_NOT_FOUND,
            context={"component_ref": ref},
        )
    return answers[0]


def item_numbers(session: Session, overlay: ThreeDOverlay) -> dict[str, str]:
    """The current number of each component's part, by config."""
    rows = lookups.current_revision_rows(session, {c["item_config_id"] for c in overlay.components})
    return {config: row.item_number for config, row in rows.items()}


def overlay_or_none(session: Session, document_id: str) -> ThreeDOverlay | None:
    """The overlay of a document revision, if it has one."""
    return session.scalar(
        select(ThreeDOverlay).where(ThreeDOverlay.document_item_id == document_id)
    )


def overlay_exists(session: Session, document_id: str) -> bool:
    """True when the document revision has an overlay."""
    return overlay_or_none(session, document_id) is not None


def current_id(session: Session, config_id: str) -> str:
    """The current revision id of an item config."""
    return item_service.get_current(session, config_id).id
