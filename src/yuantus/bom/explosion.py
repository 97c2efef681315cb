"""Explosion (flat and tree) and where-used, level by level: queries grow with depth, not lines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from yuantus.bom.models import BomLine
from yuantus.item.models import Item

# IN lists are chunked: huge levels must not hit the drivers' bind-parameter limits
IN_CHUNK = 5000

_LINE_COLUMNS = (
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
)
# a read-only projection of the item columns a BOM row shows; loading full ORM items for
# 100,000 rows would cost more than the explosion itself
_ITEM_COLUMNS = (
    Item.id,
    Item.config_id,
    Item.item_number,
    Item.revision,
    Item.state,
    Item.name,
)


@dataclass(slots=True)
class FlatRow:
    """One exploded BOM line; `path` is the item numbers from the root down to this child."""

    line_id: str
    level: int
    path: list[str]
    parent_id: str
    parent_number: str
    child_config_id: str
    child_id: str | None
    child_number: str | None
    child_revision: str | None
    child_state: str | None
    child_name: str | None
    quantity: float
    extended_quantity: float
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
    line: FlatRow | None = None
    children: list[TreeNode] = field(default_factory=list)


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), IN_CHUNK):
        yield ordered[start : start + IN_CHUNK]


def _current_items(session: Session, config_ids: Iterable[str]) -> dict[str, Row[Any]]:
    """Current revisions of many items, keyed by config_id: one query per chunk."""
    out: dict[str, Row[Any]] = {}
    for chunk in _chunks(config_ids):
        for row in session.execute(
            select(*_ITEM_COLUMNS).where(Item.config_id.in_(chunk), Item.is_current)
        ):
            out[row.config_id] = row  # type: ignore[assignment]
    return out


def _lines_of(session: Session, parent_ids: Iterable[str]) -> dict[str, list[Row[Any]]]:
    """The lines of many parent revisions, grouped by parent, in BOM order."""
    grouped: dict[str, list[Row[Any]]] = defaultdict(list)
    for chunk in _chunks(parent_ids):
        for row in session.execute(select(*_LINE_COLUMNS).where(BomLine.parent_item_id.in_(chunk))):
            grouped[row.parent_item_id].append(row)
    for rows in grouped.values():
        rows.sort(key=lambda r: (r.sequence, r.find_num or "", r.id))
    return grouped


def _load_structure(
    session: Session, root: Item, levels: int
) -> tuple[dict[str, list[Row[Any]]], dict[str, Row[Any]]]:
    """Every line reachable from the root within `levels`, breadth first, batched per level."""
    lines: dict[str, list[Row[Any]]] = {}
    items: dict[str, Row[Any]] = {}
    frontier = {root.id}
    depth = 0
    while frontier and (levels < 0 or depth < levels):
        level_lines = _lines_of(session, frontier)
        lines.update(level_lines)
        for parent_id in frontier:
            lines.setdefault(parent_id, [])
        wanted = {r.child_config_id for rows in level_lines.values() for r in rows}
        items.update(_current_items(session, wanted - items.keys()))
        frontier = {items[c].id for c in wanted if c in items} - lines.keys()
        depth += 1
    return lines, items


_Frame = tuple[Iterator[Row[Any]], str, str, int, list[str], float, frozenset[str]]


def explode_flat(session: Session, item: Item, levels: int = -1) -> list[FlatRow]:
    """The exploded BOM in depth-first BOM order; extended quantity multiplies down the path."""
    lines, items = _load_structure(session, item, levels)
    rows: list[FlatRow] = []
    # an explicit stack of line iterators keeps deep BOMs off Python's recursion limit
    root_path = [item.item_number]
    stack: list[_Frame] = [
        (
            iter(lines.get(item.id, ())),
            item.id,
            item.item_number,
            1,
            root_path,
            1.0,
            frozenset({item.config_id}),
        )
    ]
    while stack:
        it, parent_id, parent_number, level, path, factor, seen = stack[-1]
        line = next(it, None)
        if line is None:
            stack.pop()
            continue
        child = items.get(line.child_config_id)
        number = child.item_number if child is not None else None
        child_path = [*path, number or line.child_config_id]
        extended = factor * line.quantity
        rows.append(
            FlatRow(
                line_id=line.id,
                level=level,
                path=child_path,
                parent_id=parent_id,
                parent_number=parent_number,
                child_config_id=line.child_config_id,
                child_id=child.id if child is not None else None,
                child_number=number,
                child_revision=child.revision if child is not None else None,
                child_state=child.state if child is not None else None,
                child_name=child.name if child is not None else None,
                quantity=line.quantity,
                extended_quantity=extended,
                uom=line.uom,
                find_num=line.find_num,
                refdes=list(line.refdes or []),
                sequence=line.sequence,
                notes=line.notes,
                properties=dict(line.properties or {}),
            )
        )
        # `seen` stops a corrupt (cyclic) structure from looping forever
        if (
            child is not None
            and (levels < 0 or level < levels)
            and line.child_config_id not in seen
            and lines.get(child.id)
        ):
            stack.append(
                (
                    iter(lines[child.id]),
                    child.id,
                    child.item_number,
                    level + 1,
                    child_path,
                    extended,
                    seen | {line.child_config_id},
                )
            )
    return rows


def explode_tree(session: Session, item: Item, levels: int = -1) -> TreeNode:
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
    for row in explode_flat(session, item, levels):
        node = TreeNode(
            item_id=row.child_id,
            config_id=row.child_config_id,
            item_number=row.child_number,
            revision=row.child_revision,
            state=row.child_state,
            name=row.child_name,
            level=row.level,
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
    quantity: float
    uom: str
    find_num: str | None
    refdes: list[str]


def where_used(session: Session, item: Item, levels: int = -1) -> list[WhereUsedRow]:
    """Current parent revisions using the item, up to the roots, one batched query per level."""
    numbers = {item.config_id: item.item_number}
    paths = {item.config_id: [item.item_number]}
    frontier = {item.config_id}
    rows: list[WhereUsedRow] = []
    depth = 0
    while frontier and (levels < 0 or depth < levels):
        depth += 1
        found: list[Row[Any]] = []
        for chunk in _chunks(frontier):
            found.extend(
                session.execute(
                    select(
                        BomLine.id,
                        BomLine.child_config_id,
                        BomLine.quantity,
                        BomLine.uom,
                        BomLine.find_num,
                        BomLine.refdes,
                        Item.id.label("parent_id"),
                        Item.config_id.label("parent_config_id"),
                        Item.item_number,
                        Item.revision,
                        Item.state,
                        Item.name,
                    )
                    .join(Item, Item.id == BomLine.parent_item_id)
                    .where(BomLine.child_config_id.in_(chunk), Item.is_current)
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
                frontier.add(r.parent_config_id)
    return rows
