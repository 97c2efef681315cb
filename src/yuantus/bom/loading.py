"""Loading a BOM structure: every line under a revision, level by level, as plain tuples."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from yuantus.bom.models import BomLine
from yuantus.item import service as item_service
from yuantus.item.models import Item
from yuantus.item.service import RevisionRule

# SQLite IN lists are chunked: huge levels must not hit its bind-parameter limit
IN_CHUNK = 5000

# one loaded line joined to its child's current revision, as a plain tuple (index access
# is much cheaper than named access on 100,000 rows); the _L* constants name the slots
LineTuple = tuple[Any, ...]
(
    L_ID,
    L_PARENT,
    L_CHILD_CONFIG,
    L_QTY,
    L_UOM,
    L_FIND_NUM,
    L_REFDES,
    L_SEQUENCE,
    L_NOTES,
    L_PROPERTIES,
    L_CHILD_ID,
    L_CHILD_NUMBER,
    L_CHILD_REVISION,
    L_CHILD_STATE,
    L_CHILD_NAME,
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
) -> dict[str, list[LineTuple]]:
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
    grouped: dict[str, list[LineTuple]] = defaultdict(list)
    unresolved: list[LineTuple] = []
    for clause in id_filters(session, BomLine.parent_item_id, parent_ids):
        for row in session.execute(query.where(clause)):
            if row[L_CHILD_ID] is None:
                unresolved.append(row)
            else:
                grouped[row[L_PARENT]].append(row)
    if unresolved:
        _name_unresolved(session, unresolved, grouped)
    for rows in grouped.values():
        rows.sort(key=_line_order)
    return grouped


def _name_unresolved(
    session: Session, rows: list[LineTuple], grouped: dict[str, list[LineTuple]]
) -> None:
    """Give unresolved lines the child's number and name (same on every revision), no revision."""
    named = item_service.current_revision_rows(session, (r[L_CHILD_CONFIG] for r in rows))
    for row in rows:
        current = named.get(row[L_CHILD_CONFIG])
        values = list(row)
        if current is not None:
            values[L_CHILD_NUMBER], values[L_CHILD_NAME] = current.item_number, current.name
        grouped[row[L_PARENT]].append(tuple(values))


def _line_order(row: LineTuple) -> tuple[int, str, str]:
    return (row[L_SEQUENCE], row[L_FIND_NUM] or "", row[L_ID])


def load_structure(
    session: Session, root: Item, levels: int, rule: RevisionRule
) -> dict[str, list[LineTuple]]:
    """Every line reachable from the root within `levels`, breadth first, one query per level."""
    lines: dict[str, list[LineTuple]] = {}
    frontier = {root.id}
    depth = 0
    while frontier and (levels < 0 or depth < levels):
        level_lines = _lines_of(session, frontier, rule)
        lines.update(level_lines)
        for parent_id in frontier:
            lines.setdefault(parent_id, [])
        # a sub-assembly used many times is loaded once
        frontier = {
            row[L_CHILD_ID]
            for rows in level_lines.values()
            for row in rows
            if row[L_CHILD_ID] is not None
        } - lines.keys()
        depth += 1
    return lines
