"""BOM writes (add, update, delete, copy on revise) with cycle prevention; explosion re-exported."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from yuantus.bom import codes
from yuantus.bom.explosion import (
    FlatRow,
    TreeNode,
    WhereUsedRow,
    explode_flat,
    explode_tree,
    flat_page,
    id_filters,
    where_used,
)
from yuantus.bom.limits import DEFAULT_LIMITS, StructureLimits
from yuantus.bom.models import SEQUENCE_MAX, BomLine
from yuantus.bom.normalize import check_quantity, norm_find_num, norm_refdes, norm_uom
from yuantus.bom.snapshot import line_snapshot
from yuantus.core import error_codes as ec
from yuantus.core.db import new_id, utcnow
from yuantus.core.errors import Conflict, Unprocessable
from yuantus.core.orm import get_or_404
from yuantus.identity.models import User
from yuantus.item import changes
from yuantus.item import service as item_service
from yuantus.item.models import Item
from yuantus.item.service import RevisionRule

__all__ = [
    "FlatRow",
    "TreeNode",
    "WhereUsedRow",
    "add_child",
    "check_levels",
    "copy_lines",
    "delete_line",
    "explode_flat",
    "explode_tree",
    "get_line",
    "lock_structure",
    "update_line",
    "where_used",
]

# one PostgreSQL advisory lock key for the whole BOM graph: writes that may close a cycle
# run one at a time, so two racing edges A->B and B->A cannot both pass the check
BOM_STRUCTURE_LOCK = 0x59424F4D  # "YBOM"
SEQUENCE_STEP = 10


def check_levels(levels: int) -> int:
    """-1 (unlimited) or a depth >= 0, else 422 invalid_levels."""
    if levels < -1:
        raise Unprocessable(
            f"levels must be -1 (unlimited) or >= 0, got {levels}",
            code=codes.INVALID_LEVELS,
            context={"levels": levels, "allowed": "-1 or >= 0"},
        )
    return levels


def get_line(session: Session, line_id: str) -> BomLine:
    """A BOM line by id; 404 bom_line_not_found."""
    return get_or_404(session, BomLine, line_id, codes.BOM_LINE_NOT_FOUND)


def lock_structure(session: Session) -> None:
    """Serialize structure writes: PostgreSQL advisory lock (SQLite: BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": BOM_STRUCTURE_LOCK})


def add_child(
    session: Session,
    parent: Item,
    child: Item,
    quantity: Decimal | int | str,
    *,
    uom: str = "EA",
    find_num: str | None = None,
    refdes: str | Iterable[str] | None = None,
    notes: str | None = None,
    sequence: int | None = None,
    properties: dict[str, Any] | None = None,
    user: User | None = None,
) -> BomLine:
    """Add a line parent revision -> child item; 409 item_frozen / bom_cycle, 422 *_not_part."""
    _check_part(parent, "parent")
    _check_part(child, "child")
    parent = item_service.lock_editable(session, parent.id)
    value = check_quantity(quantity)
    lock_structure(session)
    ensure_no_cycle(session, parent, child)
    find_num = norm_find_num(find_num)
    if sequence is None:
        sequence = _default_sequence(session, parent, find_num)
    line = BomLine(
        id=new_id(),
        parent_item_id=parent.id,
        child_config_id=child.config_id,
        quantity=value,
        uom=norm_uom(uom),
        find_num=find_num,
        refdes=norm_refdes(refdes),
        sequence=sequence,
        notes=notes,
        properties=dict(properties or {}),
    )
    session.add(line)
    session.flush()
    _notify(session, parent, line, "add", None, line_snapshot(line), user)
    return line


def _default_sequence(session: Session, parent: Item, find_num: str | None) -> int:
    """A numeric find number is the sequence (lines list in drawing order); else last + 10."""
    if find_num is not None and find_num.isascii() and find_num.isdigit() and len(find_num) <= 9:
        return int(find_num)
    last = session.scalar(
        select(func.max(BomLine.sequence)).where(BomLine.parent_item_id == parent.id)
    )
    # a line at the column's end keeps later ones there (never past the INTEGER range)
    return min((last or 0) + SEQUENCE_STEP, SEQUENCE_MAX)


def update_line(
    session: Session, line: BomLine, *, user: User | None = None, **fields: Any
) -> BomLine:
    """Change a line's quantity, uom, find_num, refdes, sequence, notes or properties."""
    parent = item_service.lock_editable(session, line.parent_item_id)
    before = line_snapshot(line)
    unknown = set(fields) - {
        "quantity",
        "uom",
        "find_num",
        "refdes",
        "sequence",
        "notes",
        "properties",
    }
    if unknown:
        raise Unprocessable(
            f"unknown BOM line fields: {', '.join(sorted(unknown))}",
            code=ec.UNKNOWN_FIELDS,
            context={"fields": sorted(unknown)},
        )
    if "quantity" in fields:
        line.quantity = check_quantity(fields["quantity"])
    if "uom" in fields:
        line.uom = norm_uom(fields["uom"])
    if "find_num" in fields:
        line.find_num = norm_find_num(fields["find_num"])
    if "refdes" in fields:
        line.refdes = norm_refdes(fields["refdes"])
    if "sequence" in fields and fields["sequence"] is not None:
        line.sequence = int(fields["sequence"])
    if "notes" in fields:
        line.notes = fields["notes"]
    if "properties" in fields:
        line.properties = dict(fields["properties"] or {})
    line.updated_at = utcnow()
    session.flush()
    after = line_snapshot(line)
    if after != before:
        _notify(session, parent, line, "update", before, after, user)
    return line


def delete_line(session: Session, line: BomLine, user: User | None = None) -> None:
    """Remove a line from an editable parent revision."""
    parent = item_service.lock_editable(session, line.parent_item_id)
    before = line_snapshot(line)
    session.delete(line)
    session.flush()
    _notify(session, parent, line, "remove", before, None, user)


def _notify(
    session: Session,
    parent: Item,
    line: BomLine,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    user: User | None,
) -> None:
    changes.notify(
        session,
        parent,
        "bom_line",
        line.id,
        action,
        before=before,
        after=after,
        user_id=user.id if user else None,
    )


def copy_lines(session: Session, source: Item, target: Item) -> None:
    """Copy every line of the source revision onto the target (used by revise)."""
    rows = session.execute(
        select(
            BomLine.child_config_id,
            BomLine.quantity,
            BomLine.uom,
            BomLine.find_num,
            BomLine.refdes,
            BomLine.sequence,
            BomLine.notes,
            BomLine.properties,
        ).where(BomLine.parent_item_id == source.id)
    ).all()
    if not rows:
        return
    now = utcnow()
    # a bulk insert: a top assembly may carry thousands of lines
    session.execute(
        insert(BomLine),
        [
            {
                "id": new_id(),
                "parent_item_id": target.id,
                "created_at": now,
                "updated_at": now,
                **row._asdict(),
                "refdes": list(row.refdes or []),
                "properties": dict(row.properties or {}),
            }
            for row in rows
        ],
    )
    session.flush()


def ensure_no_cycle(session: Session, parent: Item, child: Item) -> None:
    """409 bom_cycle when the child item already contains the parent item, at any depth."""
    target = parent.config_id
    if child.config_id == target:
        raise _cycle(session, [target, target])
    # walk down from the child through the lines of *every* revision (a draft that
    # becomes current later must not close a cycle either), one query per level
    came_from: dict[str, str] = {child.config_id: ""}
    frontier = {child.config_id}
    revisions = item_service.all_revisions()
    while frontier:
        edges: list[tuple[str, str]] = []
        for clause in id_filters(session, revisions.c.config_id, frontier):
            edges.extend(
                (r[0], r[1])
                for r in session.execute(
                    select(revisions.c.config_id, BomLine.child_config_id)
                    .join(revisions, revisions.c.id == BomLine.parent_item_id)
                    .where(clause)
                    .distinct()
                )
            )
        frontier = set()
        for above, below in edges:
            if below in came_from:
                continue
            came_from[below] = above
            if below == target:
                path = [target]
                node = above
                while node:
                    path.append(node)
                    node = came_from[node]
                path.append(target)
                path.reverse()
                raise _cycle(session, path)
            frontier.add(below)


def _cycle(session: Session, config_path: list[str]) -> Conflict:
    """The bom_cycle error naming the path as item numbers (parent first, parent last)."""
    current = item_service.current_revision_rows(session, config_path)
    numbers = [current[c].item_number if c in current else c for c in config_path]
    return Conflict(
        f"adding this line would create a cycle: {' -> '.join(numbers)}",
        code=codes.BOM_CYCLE,
        context={"path": numbers, "config_path": config_path},
    )


_NOT_PART = {"parent": codes.PARENT_NOT_PART, "child": codes.CHILD_NOT_PART}


def _check_part(item: Item, role: str) -> None:
    if item.item_type != "Part":
        raise Unprocessable(
            f"a BOM {role} must be a Part; {item.item_number} is a {item.item_type}",
            code=_NOT_PART[role],
            context={f"{role}_id": item.id, "item_type": item.item_type},
        )


def create_line(
    session: Session, parent_id: str, child_id: str, quantity: Decimal | int | str, **fields: Any
) -> BomLine:
    """add_child by ids (404 item_not_found for either)."""
    parent = item_service.get(session, parent_id)
    child = item_service.get(session, child_id)
    return add_child(session, parent, child, quantity, **fields)


def update_line_by_id(
    session: Session, line_id: str, *, user: User | None = None, **fields: Any
) -> BomLine:
    """update_line by id."""
    return update_line(session, get_line(session, line_id), user=user, **fields)


def delete_line_by_id(session: Session, line_id: str, user: User | None = None) -> None:
    """delete_line by id."""
    delete_line(session, get_line(session, line_id), user)


def flat_for(
    session: Session,
    item_id: str,
    levels: int,
    rule: RevisionRule | None = None,
    limits: StructureLimits = DEFAULT_LIMITS,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[Item, RevisionRule, list[FlatRow], int]:
    """The item, the rule used, one page of its flat explosion and the rows of the whole one.

    422 on bad levels, 404 unknown item, 413 past the structure limits.
    """
    check_levels(levels)
    item = item_service.get(session, item_id)
    used = item_service.rule_for(item, rule)
    rows, total = flat_page(session, item, levels, used, limits, offset=offset, limit=limit)
    return item, used, rows, total


def tree_for(
    session: Session,
    item_id: str,
    levels: int,
    rule: RevisionRule | None = None,
    limits: StructureLimits = DEFAULT_LIMITS,
) -> tuple[RevisionRule, TreeNode]:
    """The rule used and the nested explosion of an item."""
    check_levels(levels)
    item = item_service.get(session, item_id)
    used = item_service.rule_for(item, rule)
    return used, explode_tree(session, item, levels, used, limits)


def where_used_for(
    session: Session, item_id: str, levels: int, rule: RevisionRule | None = None
) -> tuple[Item, RevisionRule, list[WhereUsedRow]]:
    """The item, the rule used (latest by default) and the parent revisions using it."""
    check_levels(levels)
    item = item_service.get(session, item_id)
    used = rule or item_service.LATEST_RULE
    return item, used, where_used(session, item, levels, used)
