"""An item's history: its audit rows across every revision, newest first.

Every row of an item has object_type "item", object_id the revision's id and scope_id the
item's config_id, so one query finds the rows of all its revisions (a discarded draft's too).
`by` names what caused a change besides the actor, e.g. the ECO that released a revision
({"eco_id", "eco_number"}); it is merged into the row's `after`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.audit import service as audit
from yuantus.audit.models import AuditEvent
from yuantus.audit.service import Actor
from yuantus.core.pagination import PageParams
from yuantus.core.sorting import SortOrder
from yuantus.identity.models import User
from yuantus.item.changes import RevisionChange
from yuantus.item.models import Item

OBJECT_TYPE = "item"
# lifecycle transition -> the action its row records
TRANSITION_ACTIONS = {
    "submit": "submitted",
    "reject": "rejected",
    "release": "released",
    "obsolete": "obsoleted",
}


# (what changed, how) of a revision's content -> the action its row records
CHANGE_ACTIONS = {
    ("item", "update"): "updated",
    ("bom_line", "add"): "bom_line_added",
    ("bom_line", "update"): "bom_line_updated",
    ("bom_line", "remove"): "bom_line_removed",
    ("item_file", "add"): "file_linked",
    ("item_file", "remove"): "file_unlinked",
    ("document_link", "add"): "document_linked",
    ("document_link", "remove"): "document_unlinked",
}


def record_event(
    session: Session,
    item: Item,
    action: str,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    actor: Actor | None = None,
    by: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one row to the history of the item `item` is a revision of."""
    merged = {**(after or {}), **by} if by else after
    return audit.record(
        session,
        object_type=OBJECT_TYPE,
        object_id=item.id,
        scope_id=item.config_id,
        action=action,
        before=dict(before) if before is not None else None,
        after=dict(merged) if merged is not None else None,
        actor=actor,
    )


def attributes(item: Item) -> dict[str, Any]:
    """What a revision's row keeps of it: identity, state and the editable attributes."""
    return {
        "item_type": item.item_type,
        "item_number": item.item_number,
        "revision": item.revision,
        "state": item.state,
        "name": item.name,
        "description": item.description,
        "properties": dict(item.properties or {}),
    }


def record_superseded(
    session: Session,
    superseded: list[Item],
    *,
    actor: Actor | None,
    by: Mapping[str, Any] | None = None,
) -> None:
    """One `superseded` row per revision a newer one replaced as current."""
    for old in superseded:
        record_event(
            session,
            old,
            "superseded",
            before={"state": "Released", "is_current": True},
            after={"state": old.state, "is_current": False, "superseded_at": old.superseded_at},
            actor=actor,
            by=by,
        )


def record_transition(
    session: Session,
    item: Item,
    action: str,
    from_state: str,
    *,
    actor: Actor | None,
    by: Mapping[str, Any] | None = None,
    superseded: list[Item] | None = None,
) -> None:
    """A lifecycle move's rows: the move, then the revisions a release superseded."""
    after: dict[str, Any] = {"state": item.state}
    if action == "release":
        after |= {
            "is_current": item.is_current,
            "released_at": item.released_at,
            "effective_from": item.effective_from,
        }
    record_event(
        session,
        item,
        TRANSITION_ACTIONS[action],
        before={"state": from_state},
        after=after,
        actor=actor,
        by=by,
    )
    record_superseded(session, superseded or [], actor=actor, by=by)


def record_change(
    session: Session,
    item: Item,
    object_type: str,
    action: str,
    *,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    actor: Actor | None,
) -> None:
    """A change of a revision's content (attributes, a BOM line, a file link) in its history."""
    name = CHANGE_ACTIONS.get((object_type, action), f"{object_type}_{action}")
    record_event(session, item, name, before=before, after=after, actor=actor)


def on_revision_change(session: Session, change: RevisionChange) -> None:
    """The changes listener (item/changes.py) that writes a revision's content changes here."""
    if change.object_type == OBJECT_TYPE and change.action in TRANSITION_ACTIONS:
        # lifecycle moves are written by record_transition, with the ECO and the supersedes
        return
    actor = session.get(User, change.user_id) if change.user_id is not None else None
    record_change(
        session,
        change.item,
        change.object_type,
        change.action,
        before=change.before,
        after=change.after,
        actor=actor,
    )


def list_history(
    session: Session, item: Item, page: PageParams, sort: SortOrder | None = None
) -> tuple[list[tuple[AuditEvent, str | None]], int]:
    """The rows of every revision of the item, newest first, each with its revision label."""
    filters = audit.AuditFilter(object_type=OBJECT_TYPE, scope_id=item.config_id)
    rows, total = audit.list_events(session, filters, page, sort)
    query = select(Item.id, Item.revision).where(Item.config_id == item.config_id)
    labels: dict[str, str] = dict(session.execute(query).all())
    gone = {row.object_id for row in rows} - labels.keys()
    if gone:
        labels |= _discarded_labels(session, item.config_id, gone)
    return [(row, labels.get(row.object_id)) for row in rows], total


def _discarded_labels(session: Session, config_id: str, revision_ids: set[str]) -> dict[str, str]:
    """The labels of discarded revisions, as their own `created`/`revised` rows name them."""
    rows = session.scalars(
        select(AuditEvent).where(
            AuditEvent.scope_id == config_id,
            AuditEvent.object_id.in_(revision_ids),
            AuditEvent.action.in_(("created", "revised", "discarded")),
        )
    )
    labels = {}
    for row in rows:
        for values in (row.after, row.before):
            if values and isinstance(values.get("revision"), str):
                labels[row.object_id] = str(values["revision"])
    return labels
