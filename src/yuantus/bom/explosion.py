"""Explosion (flat and tree) and where-used, level by level: queries grow with depth, not lines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Row, SQLColumnExpression, String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from yuantus.bom.models import BomLine
from yuantus.core import decimals
from yuantus.item import service as item_service
from yuantus.item.models import Item
from yuantus.item.service import LATEST_RULE, RevisionRule

RESOLVED, UNRESOLVED = "resolved", "unresolved"

# SQLite IN lists are chunked: huge levels must not hit its bind-parameter limit
IN_CHUNK = 5000

# one loaded line joined to its child's current revision, as a plain tuple (index access
# is much cheaper than named access on 100,000 rows); the _L* constants name the slots
_LineTuple = tuple[Any, ...]
(
    _L_ID,
    _L_PARENT,
    _L_CHILD_CONFIG,
    _L_QTY,
    _L_UOM,
    _L_FIND_NUM,
    _L_REFDES,
    _L_SEQUENCE,
    _L_NOTES,
    _L_PROPERTIES,
    _L_CHILD_ID,
    _L_CHILD_NUMBER,
    _L_CHILD_REVISION,
    _L_CHILD_STATE,
    _L_CHILD_NAME,
) = range(15)


def id_filters(
    session: Session, column: SQLColumnExpression[str], ids: Iterable[str]
) -> Iterator[ColumnElement[bool]]:
    """WHERE clauses matching `column` against many ids: one array bind on PostgreSQL.

    PostgreSQL gets `column = ANY(:ids)` with the whole list as one array parameter (an
    expanding IN list costs a bind per value to render and to send); SQLite gets IN lists
    chunked under its bind-parameter limit.
    """
    ordered = sorted(set(ids))
    if not ordered:
        return
    if session.get_bind().dialect.name == "postgresql":
        yield column == any_(bindparam(None, ordered, type_=ARRAY(String)))
        return
    for start in range(0, len(ordered), IN_CHUNK):
        yield column.in_(ordered[start : start + IN_CHUNK])


def _lines_of(
    session: Session, parent_ids: Iterable[str], rule: RevisionRule
) -> dict[str, list[_LineTuple]]:
    """The lines of many parent revisions with their children's revisions under the rule.

    One query per level: the lines LEFT JOIN the item domain's selectable for the rule (a
    child without a revision under it still shows, unresolved, named by its current one).
    """
    current = item_service.revisions_under(rule)
    query = select(
        BomLine.id,
        BomLine.parent_item_id,
        BomLine.child_config_id,
        BomLine.quantity,
        BomLine.uom,
        BomLine.find_num,
        BomLine.refdes,
        BomLine.sequence,
        BomLine.notes,
        BomLine.properties,
        current.c.id,
        current.c.item_number,
        current.c.revision,
        current.c.state,
        current.c.name,
    ).outerjoin(current, current.c.config_id == BomLine.child_config_id)
    grouped: dict[str, list[_LineTuple]] = defaultdict(list)
    unresolved: list[_LineTuple] = []
    for clause in id_filters(session, BomLine.parent_item_id, parent_ids):
        for row in session.execute(query.where(clause)):
            if row[_L_CHILD_ID] is None:
                unresolved.append(row)
            else:
                grouped[row[_L_PARENT]].append(row)
    if unresolved:
        _name_unresolved(session, unresolved, grouped)
    for rows in grouped.values():
        rows.sort(key=_line_order)
    return grouped


def _name_unresolved(
    session: Session, rows: list[_LineTuple], grouped: dict[str, list[_LineTuple]]
) -> None:
    """Give unresolved lines the child's number and name (same on every revision), no revision."""
    named = item_service.current_revision_rows(session, (r[_L_CHILD_CONFIG] for r in rows))
    for row in rows:
        current = named.get(row[_L_CHILD_CONFIG])
        values = list(row)
        if current is not None:
            values[_L_CHILD_NUMBER], values[_L_CHILD_NAME] = current.item_number, current.name
        grouped[row[_L_PARENT]].append(tuple(values))


def _line_order(row: _LineTuple) -> tuple[int, str, str]:
    return (row[_L_SEQUENCE], row[_L_FIND_NUM] or "", row[_L_ID])


def _load_structure(
    session: Session, root: Item, levels: int, rule: RevisionRule
) -> dict[str, list[_LineTuple]]:
    """Every line reachable from the root within `levels`, breadth first, one query per level."""
    lines: dict[str, list[_LineTuple]] = {}
    frontier = {root.id}
    depth = 0
    while frontier and (levels < 0 or depth < levels):
        level_lines = _lines_of(session, frontier, rule)
        lines.update(level_lines)
        for parent_id in frontier:
            lines.setdefault(parent_id, [])
        # a sub-assembly used many times is loaded once
        frontier = {
            row[_L_CHILD_ID]
            for rows in level_lines.values()
            for row in rows
            if row[_L_CHILD_ID] is not None
        } - lines.keys()
        depth += 1
    return lines


@dataclass(slots=True)
class FlatRow:
    """One exploded BOM line; `path` is the item numbers from the root down to this child."""

    line_id: str
    level: int
    path: list[str]
    parent_id: str
    parent_number: str
    parent_revision: str
    parent_name: str
    child_config_id: str
    child_id: str | None
    child_number: str | None
    child_revision: str | None
    child_state: str | None
    child_name: str | None
    resolution: str
    quantity: Decimal
    extended_quantity: Decimal
    uom: str
    find_num: str | None
    refdes: list[str]
    sequence: int
    notes: str | None
    properties: dict[str, Any]


@dataclass(slots=True)
class TreeNode:
    """A node of the nested explosion: the item, the line that uses it (none at the root)."""

    item_id: str | None
    config_id: str
    item_number: str | None
    revision: str | None
    state: str | None
    name: str | None
    level: int
    resolution: str = RESOLVED
    line: FlatRow | None = None
    children: list[TreeNode] = field(default_factory=list)


# (lines, parent id, parent number, parent revision, parent name, level, path, factor, seen)
_Frame = tuple[Iterator[_LineTuple], str, str, str, str, int, list[str], Decimal, frozenset[str]]


def explode_flat(
    session: Session, item: Item, levels: int = -1, rule: RevisionRule | None = None
) -> list[FlatRow]:
    """The exploded BOM in depth-first BOM order; extended quantity multiplies down the path.

    Children resolve under the rule (the revision's default when None); an unresolved child
    is a row without a revision and without children.
    """
    lines = _load_structure(session, item, levels, item_service.rule_for(item, rule))
    # extended quantities are exact products (0.25 x 3 x 1.5 = 1.125, never rounded)
    with decimals.exact():
        return _walk(lines, item, levels)


def _walk(lines: dict[str, list[_LineTuple]], item: Item, levels: int) -> list[FlatRow]:
    """The depth-first walk of the loaded structure (the caller sets the exact context)."""
    rows: list[FlatRow] = []
    append = rows.append
    unlimited = levels < 0
    # an explicit stack of line iterators keeps deep BOMs off Python's recursion limit
    stack: list[_Frame] = [
        (
            iter(lines.get(item.id, ())),
            item.id,
            item.item_number,
            item.revision,
            item.name,
            1,
            [item.item_number],
            Decimal(1),
            frozenset({item.config_id}),
        )
    ]
    while stack:
        it, parent_id, parent_number, parent_revision, parent_name, level, path, factor, seen = (
            stack[-1]
        )
        for line in it:
            (
                line_id,
                _parent,
                child_config,
                quantity,
                uom,
                find_num,
                refdes,
                sequence,
                notes,
                properties,
                child_id,
                number,
                revision,
                state,
                name,
            ) = line
            child_path = [*path, number or child_config]
            extended = factor * quantity
            append(
                FlatRow(
                    line_id,
                    level,
                    child_path,
                    parent_id,
                    parent_number,
                    parent_revision,
                    parent_name,
                    child_config,
                    child_id,
                    number,
                    revision,
                    state,
                    name,
                    RESOLVED if child_id is not None else UNRESOLVED,
                    quantity,
                    extended,
                    uom,
                    find_num,
                    list(refdes) if refdes else [],
                    sequence,
                    notes,
                    dict(properties) if properties else {},
                )
            )
            # `seen` stops a corrupt (cyclic) structure from looping forever
            if (
                child_id is not None
                and (unlimited or level < levels)
                and child_config not in seen
                and lines.get(child_id)
            ):
                stack.append(
                    (
                        iter(lines[child_id]),
                        child_id,
                        number,
                        revision,
                        name,
                        level + 1,
                        child_path,
                        extended,
                        seen | {child_config},
                    )
                )
                break
        else:
            stack.pop()
    return rows


def explode_tree(
    session: Session, item: Item, levels: int = -1, rule: RevisionRule | None = None
) -> TreeNode:
    """The exploded BOM as nested nodes, each carrying the line that uses it."""
    root = TreeNode(
        item_id=item.id,
        config_id=item.config_id,
        item_number=item.item_number,
        revision=item.revision,
        state=item.state,
        name=item.name,
        level=0,
    )
    open_nodes = [root]
    for row in explode_flat(session, item, levels, rule):
        node = TreeNode(
            item_id=row.child_id,
            config_id=row.child_config_id,
            item_number=row.child_number,
            revision=row.child_revision,
            state=row.child_state,
            name=row.child_name,
            level=row.level,
            resolution=row.resolution,
            line=row,
        )
        # rows come depth first, so the parent is the last open node one level up
        del open_nodes[row.level :]
        open_nodes[-1].children.append(node)
        open_nodes.append(node)
    return root


@dataclass(slots=True)
class WhereUsedRow:
    """A line using the item (or one of its users); `path` runs from the item up to the parent."""

    line_id: str
    level: int
    path: list[str]
    parent_id: str
    parent_config_id: str
    parent_number: str
    parent_revision: str
    parent_state: str
    parent_name: str
    child_config_id: str
    child_number: str
    child_name: str
    quantity: Decimal
    uom: str
    find_num: str | None
    refdes: list[str]


def where_used(
    session: Session, item: Item, levels: int = -1, rule: RevisionRule | None = None
) -> list[WhereUsedRow]:
    """Parent revisions (under the rule, latest by default) using the item, up to the roots.

    One batched query per level; a parent item with no revision under the rule is not a user.
    """
    numbers = {item.config_id: item.item_number}
    child_names = {item.config_id: item.name}
    paths = {item.config_id: [item.item_number]}
    frontier = {item.config_id}
    parents = item_service.revisions_under(rule or LATEST_RULE)
    rows: list[WhereUsedRow] = []
    depth = 0
    while frontier and (levels < 0 or depth < levels):
        depth += 1
        found: list[Row[Any]] = []
        for clause in id_filters(session, BomLine.child_config_id, frontier):
            found.extend(
                session.execute(
                    select(
                        BomLine.id,
                        BomLine.child_config_id,
                        BomLine.quantity,
                        BomLine.uom,
                        BomLine.find_num,
                        BomLine.refdes,
                        parents.c.id.label("parent_id"),
                        parents.c.config_id.label("parent_config_id"),
                        parents.c.item_number,
                        parents.c.revision,
                        parents.c.state,
                        parents.c.name,
                    )
                    .join(parents, parents.c.id == BomLine.parent_item_id)
                    .where(clause)
                )
            )
        found.sort(key=lambda r: (r.item_number, r.find_num or "", r.id))
        frontier = set()
        for r in found:
            path = [*paths[r.child_config_id], r.item_number]
            rows.append(
                WhereUsedRow(
                    line_id=r.id,
                    level=depth,
                    path=path,
                    parent_id=r.parent_id,
                    parent_config_id=r.parent_config_id,
                    parent_number=r.item_number,
                    parent_revision=r.revision,
                    parent_state=r.state,
                    parent_name=r.name,
                    child_config_id=r.child_config_id,
                    child_number=numbers[r.child_config_id],
                    child_name=child_names[r.child_config_id],
                    quantity=r.quantity,
                    uom=r.uom,
                    find_num=r.find_num,
                    refdes=list(r.refdes or []),
                )
            )
            # each user is walked once, through its shortest path (it cannot loop either)
            if r.parent_config_id not in paths:
                paths[r.parent_config_id] = path
                numbers[r.parent_config_id] = r.item_number
                child_names[r.parent_config_id] = r.name
                frontier.add(r.parent_config_id)
    return rows
