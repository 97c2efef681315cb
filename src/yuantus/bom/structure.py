"""A loaded BOM structure, measured before it is walked: its rows and depth, then any page.

Rows are paths, and a sub-assembly used in many places repeats its rows under each, so
the rows of each (sub-assembly, level) are counted once from the loaded lines (work in
lines, not rows). The walk then builds only the rows asked for, skipping whole
sub-assemblies that fall before the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from yuantus.bom.loading import L_CHILD_CONFIG, L_CHILD_ID, LineTuple
from yuantus.core.decimals import EXACT
from yuantus.item.models import Item

RESOLVED, UNRESOLVED = "resolved", "unresolved"


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


# (item id, level of its lines; 0 when levels are unlimited) -> (rows, deepest row level)
_Key = tuple[str, int]
# (lines, parent id, parent number, parent revision, parent name, level, path, factor, seen)
_Frame = tuple[Iterator[LineTuple], str, str, str, str, int, list[str], Decimal, frozenset[str]]


class Structure:
    """The lines under a root revision within `levels`, with its row count and depth."""

    def __init__(self, lines: dict[str, list[LineTuple]], root: Item, levels: int) -> None:
        self.lines, self.root, self.levels = lines, root, levels
        self._limited = levels >= 0
        self._sizes: dict[_Key, tuple[int, int]] | None = self._measure()

    def _key(self, item_id: str, level: int) -> _Key:
        return (item_id, level if self._limited else 0)

    def _descends(self, line: LineTuple, level: int) -> bool:
        """The walk goes into the line's child (before its loop guard)."""
        child_id = line[L_CHILD_ID]
        return (
            child_id is not None
            and (not self._limited or level < self.levels)
            and bool(self.lines.get(child_id))
        )

    def _measure(self) -> dict[_Key, tuple[int, int]] | None:
        """Rows and deepest level of every (sub-assembly, level); None when the lines loop.

        A loop (only corrupt data has one: writes refuse cycles) is cut by the walk per
        path, so counts would depend on the path; such a structure is counted by walking.
        """
        sizes: dict[_Key, tuple[int, int]] = {}
        on_path = {self.root.config_id}
        # [item id, config id, level, lines left, rows, deepest]
        stack: list[list[Any]] = [
            [self.root.id, self.root.config_id, 1, iter(self.lines.get(self.root.id, ())), 0, 0]
        ]
        while stack:
            frame = stack[-1]
            level = frame[2]
            pushed = False
            deeper = not self._limited or level < self.levels
            for line in frame[3]:
                frame[4] += 1
                frame[5] = max(frame[5], level)
                child_id = line[L_CHILD_ID]
                if child_id is None or not deeper or not self.lines.get(child_id):
                    continue
                if line[L_CHILD_CONFIG] in on_path:
                    return None
                known = sizes.get(self._key(line[L_CHILD_ID], level + 1))
                if known is not None:
                    frame[4] += known[0]
                    frame[5] = max(frame[5], known[1])
                    continue
                on_path.add(line[L_CHILD_CONFIG])
                child = line[L_CHILD_ID]
                stack.append(
                    [child, line[L_CHILD_CONFIG], level + 1, iter(self.lines[child]), 0, 0]
                )
                pushed = True
                break
            if pushed:
                continue
            stack.pop()
            on_path.discard(frame[1])
            sizes[self._key(frame[0], level)] = (frame[4], frame[5])
            if stack:
                stack[-1][4] += frame[4]
                stack[-1][5] = max(stack[-1][5], frame[5])
        return sizes

    def measured(self, cap: int) -> tuple[int, int]:
        """(rows, deepest level); a looping structure is walked, up to cap + 1 rows."""
        if self._sizes is not None:
            return self._sizes.get(self._key(self.root.id, 1), (0, 0))
        rows = deepest = 0
        for row in self.rows():
            rows += 1
            deepest = max(deepest, row.level)
            if rows > cap:
                break
        return rows, deepest

    def _subtree(self, line: LineTuple, level: int) -> int | None:
        """The rows a line stands for (itself and what is under it); None when unknown."""
        if self._sizes is None:
            return None
        if not self._descends(line, level):
            return 1
        return 1 + self._sizes[self._key(line[L_CHILD_ID], level + 1)][0]

    def rows(self, offset: int = 0, limit: int | None = None) -> Iterator[FlatRow]:
        """The rows in depth-first BOM order, from `offset`, at most `limit` of them.

        Extended quantities are exact products (0.25 x 3 x 1.5 = 1.125, never rounded).
        """
        if limit is not None and limit <= 0:
            return
        skip, produced = offset, 0
        root, lines, limited, levels = self.root, self.lines, self._limited, self.levels
        multiply = EXACT.multiply
        stack: list[_Frame] = [
            (
                iter(lines.get(root.id, ())),
                root.id,
                root.item_number,
                root.revision,
                root.name,
                1,
                [root.item_number],
                Decimal(1),
                frozenset({root.config_id}),
            )
        ]
        # rows are built inline: this loop runs once per row of the largest answers
        while stack:
            (
                it,
                parent_id,
                parent_number,
                parent_revision,
                parent_name,
                level,
                path,
                factor,
                seen,
            ) = stack[-1]
            deeper = not limited or level < levels
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
                descends = child_id is not None and deeper and bool(lines.get(child_id))
                child_path = [*path, number or child_config]
                if skip:
                    size = self._subtree(line, level)
                    if size is not None and size <= skip:
                        skip -= size  # the whole sub-assembly is before the page
                        continue
                    skip -= 1
                    extended = multiply(factor, quantity)
                else:
                    extended = multiply(factor, quantity)
                    yield FlatRow(
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
                    produced += 1
                    if limit is not None and produced >= limit:
                        return
                # `seen` stops a corrupt (cyclic) structure from looping forever
                if descends and child_config not in seen:
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
