"""Explosion (flat and tree) and where-used, level by level: queries grow with depth, not lines.

Every explosion is measured before it is walked (bom/structure.py): past the structure
limits (bom/limits.py) it is refused with 413 before a row is built, and a page is built
alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from yuantus.bom.limits import DEFAULT_LIMITS, StructureLimits
from yuantus.bom.loading import id_filters, load_structure
from yuantus.bom.models import BomLine
from yuantus.bom.structure import RESOLVED, UNRESOLVED, FlatRow, Structure
from yuantus.item import service as item_service
from yuantus.item.models import Item
from yuantus.item.service import LATEST_RULE, RevisionRule

__all__ = [
    "RESOLVED",
    "UNRESOLVED",
    "FlatRow",
    "Structure",
    "TreeNode",
    "WhereUsedRow",
    "explode_flat",
    "explode_tree",
    "flat_page",
    "id_filters",
    "load",
    "where_used",
]


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


def load(
    session: Session,
    item: Item,
    levels: int = -1,
    rule: RevisionRule | None = None,
    limits: StructureLimits = DEFAULT_LIMITS,
) -> tuple[Structure, int]:
    """The measured structure under a revision and its row count; 413 structure_too_deep.

    Children resolve under the rule (the revision's default when None). Lines are loaded
    at most one level past the depth cap: enough to tell that a structure goes deeper.
    """
    bound = levels if 0 <= levels <= limits.max_depth else limits.max_depth + 1
    lines = load_structure(session, item, bound, item_service.rule_for(item, rule))
    structure = Structure(lines, item, bound)
    rows, depth = structure.measured(limits.max_rows)
    limits.check_depth(depth, levels)
    return structure, rows


def explode_flat(
    session: Session,
    item: Item,
    levels: int = -1,
    rule: RevisionRule | None = None,
    limits: StructureLimits = DEFAULT_LIMITS,
) -> list[FlatRow]:
    """The exploded BOM in depth-first BOM order; extended quantity multiplies down the path.

    An unresolved child is a row without a revision and without children. 413 past the
    limits, before a row is built.
    """
    structure, rows = load(session, item, levels, rule, limits)
    limits.check_rows(rows, levels=levels)
    return list(structure.rows())


def flat_page(
    session: Session,
    item: Item,
    levels: int = -1,
    rule: RevisionRule | None = None,
    limits: StructureLimits = DEFAULT_LIMITS,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[FlatRow], int]:
    """One page of the flat explosion and the rows of the whole one; only the page is built."""
    structure, total = load(session, item, levels, rule, limits)
    produced = max(0, total - offset) if limit is None else max(0, min(limit, total - offset))
    limits.check_rows(produced, levels=levels, total=total)
    return list(structure.rows(offset, limit)) if produced else [], total


def explode_tree(
    session: Session,
    item: Item,
    levels: int = -1,
    rule: RevisionRule | None = None,
    limits: StructureLimits = DEFAULT_LIMITS,
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
    structure, rows = load(session, item, levels, rule, limits)
    limits.check_rows(rows, levels=levels)
    open_nodes = [root]
    for row in structure.rows():
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
