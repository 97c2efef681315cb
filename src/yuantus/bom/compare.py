"""Compare two BOM revisions: line keys, compare modes, normalization and severity."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from yuantus.bom import codes
from yuantus.bom.explosion import FlatRow, load
from yuantus.bom.limits import DEFAULT_LIMITS, StructureLimits
from yuantus.bom.normalize import norm_find_num, norm_refdes, norm_uom, qty_equal, qty_key
from yuantus.bom.service import check_levels
from yuantus.core import decimals
from yuantus.core.errors import Unprocessable
from yuantus.item import service as item_service
from yuantus.item.models import Item
from yuantus.item.service import RevisionRule

LINE_KEYS = (
    "child_config",
    "child_config_find_num",
    "child_config_refdes",
    "child_config_find_num_qty",
    "line_full",
)
ALL_FIELDS = ("quantity", "uom", "find_num", "refdes", "notes", "properties")


@dataclass(frozen=True)
class Mode:
    """What a compare mode keys lines on and which fields it compares."""

    line_key: str
    fields: tuple[str, ...]
    summarized: bool = False


COMPARE_MODES: dict[str, Mode] = {
    # presence only
    "only_product": Mode("child_config", ()),
    # component + position + quantity: a quantity change is a remove and an add
    "num_qty": Mode("child_config_find_num_qty", ("quantity", "uom")),
    # quantities netted per component across the whole exploded BOM
    "summarized": Mode("child_config", ("quantity", "uom"), summarized=True),
    "by_position": Mode("child_config_find_num", ("quantity", "uom", "refdes")),
    "by_reference": Mode("child_config_refdes", ("quantity", "uom", "find_num")),
}
SEVERITY = {
    "quantity": "major",
    "uom": "major",
    "quantity_by_uom": "major",
    "find_num": "minor",
    "refdes": "minor",
}
SEVERITY_RANK = {"info": 0, "minor": 1, "major": 2}
PATH_SEP = ">"


def check_mode(compare_mode: str | None, line_key: str) -> Mode:
    """The effective mode; 422 naming the allowed values for an unknown mode or key."""
    if compare_mode:
        if compare_mode not in COMPARE_MODES:
            raise Unprocessable(
                f"unknown compare_mode {compare_mode!r}; allowed: {', '.join(COMPARE_MODES)}",
                code=codes.INVALID_COMPARE_MODE,
                context={"compare_mode": compare_mode, "allowed": list(COMPARE_MODES)},
            )
        return COMPARE_MODES[compare_mode]
    if line_key not in LINE_KEYS:
        raise Unprocessable(
            f"unknown line_key {line_key!r}; allowed: {', '.join(LINE_KEYS)}",
            code=codes.INVALID_LINE_KEY,
            context={"line_key": line_key, "allowed": list(LINE_KEYS)},
        )
    return Mode(line_key, ALL_FIELDS)


def line_props(row: FlatRow) -> dict[str, Any]:
    """A row's comparable values, normalized (and its sequence, so a delta can recreate it)."""
    return {
        "quantity": row.quantity,
        "uom": norm_uom(row.uom),
        "find_num": norm_find_num(row.find_num),
        "refdes": norm_refdes(row.refdes),
        "notes": row.notes or None,
        "properties": dict(row.properties or {}),
        "sequence": row.sequence,
    }


def _segment(number: str, props: dict[str, Any], line_key: str) -> str:
    """One path segment of a line key."""
    if line_key == "child_config":
        return number
    parts = [number]
    if line_key in ("child_config_find_num", "child_config_find_num_qty", "line_full"):
        parts.append(f"fn={props['find_num'] or ''}")
    if line_key in ("child_config_refdes", "line_full"):
        parts.append(f"refdes={','.join(props['refdes'])}")
    if line_key in ("child_config_find_num_qty", "line_full"):
        parts.append(f"qty={qty_key(props['quantity'])}")
    if line_key == "line_full":
        parts.append(f"uom={props['uom']}")
    return "|".join(parts)


def _keyed_lines(rows: list[FlatRow], line_key: str) -> dict[str, dict[str, Any]]:
    """Lines by key: the key is the parent path (item numbers below the root) + the own segment."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        props = line_props(row)
        number = row.child_number or row.child_config_id
        parents = row.path[1:-1]
        key = PATH_SEP.join([*parents, _segment(number, props, line_key)])
        # the same key twice under one parent (a part listed twice) stays two lines
        unique, n = key, 1
        while unique in out:
            n += 1
            unique = f"{key}#{n}"
        out[unique] = {
            "line_key": unique,
            "level": row.level,
            "path": row.path[1:],
            "parent_number": row.parent_number,
            "parent_name": row.parent_name,
            "child_config_id": row.child_config_id,
            "child_id": row.child_id,
            "child_number": row.child_number,
            "child_revision": row.child_revision,
            "child_name": row.child_name,
            "child_state": row.child_state,
            "resolution": row.resolution,
            "properties": props,
        }
    return out


def _summarized(rows: list[FlatRow]) -> dict[str, dict[str, Any]]:
    """One entry per component: extended quantities netted per normalized uom."""
    per_uom: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    first: dict[str, FlatRow] = {}
    # exact sums: netting never rounds, so equal totals compare equal
    with decimals.exact():
        for row in rows:
            number = row.child_number or row.child_config_id
            per_uom[number][norm_uom(row.uom)] += row.extended_quantity
            first.setdefault(number, row)
    out: dict[str, dict[str, Any]] = {}
    for number, by_uom in per_uom.items():
        row = first[number]
        uoms = sorted(by_uom)
        mixed = len(uoms) > 1
        # mixed units are reported per unit, never added together
        out[number] = {
            "line_key": number,
            "level": None,
            "path": [number],
            "parent_number": None,
            "parent_name": None,
            "child_config_id": row.child_config_id,
            "child_id": row.child_id,
            "child_number": row.child_number,
            "child_revision": row.child_revision,
            "child_name": row.child_name,
            "child_state": row.child_state,
            "resolution": row.resolution,
            "properties": {
                "quantity": None if mixed else by_uom[uoms[0]],
                "uom": "MIXED" if mixed else uoms[0],
                "quantity_by_uom": {u: by_uom[u] for u in uoms},
                "mixed_uom": mixed,
            },
        }
    return out


def _same(field: str, before: Any, after: Any) -> bool:
    if field == "quantity":
        return bool(qty_equal(before, after))
    if field == "quantity_by_uom":
        return before.keys() == after.keys() and all(qty_equal(before[k], after[k]) for k in before)
    if field == "properties":
        # most lines carry no properties: skip serializing two empty dicts
        if not before and not after:
            return True
        return json.dumps(before, sort_keys=True) == json.dumps(after, sort_keys=True)
    return bool(before == after)


def _changes(mode: Mode, left: dict[str, Any], right: dict[str, Any]) -> list[dict[str, Any]]:
    fields: tuple[str, ...] = mode.fields
    if mode.summarized and (left["mixed_uom"] or right["mixed_uom"]):
        fields = ("quantity_by_uom",)
    out = []
    for f in fields:
        if not _same(f, left[f], right[f]):
            out.append(
                {
                    "field": f,
                    "before": left[f],
                    "after": right[f],
                    "severity": SEVERITY.get(f, "info"),
                }
            )
    return out


def _item_ref(item: Item, rule: RevisionRule) -> dict[str, Any]:
    return {
        "id": item.id,
        "config_id": item.config_id,
        "item_number": item.item_number,
        "revision": item.revision,
        "name": item.name,
        "state": item.state,
        "rule": rule.describe(),
    }


def compare_boms(
    session: Session,
    left: Item,
    right: Item,
    *,
    levels: int = -1,
    compare_mode: str | None = None,
    line_key: str = "child_config",
    rule: RevisionRule | None = None,
    limits: StructureLimits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """Compare the exploded BOMs of two revisions: summary, added, removed, changed.

    Each side resolves its children under `rule`, or under its own default when None
    (a Draft side latest, a Released one released, a Superseded one as of its end).
    413 when the two sides together hold more rows than the limit, before either is built.
    """
    check_levels(levels)
    mode = check_mode(compare_mode, line_key)
    left_rule, right_rule = item_service.rule_for(left, rule), item_service.rule_for(right, rule)
    left_structure, left_count = load(session, left, levels, left_rule, limits)
    right_structure, right_count = load(session, right, levels, right_rule, limits)
    limits.check_rows(left_count + right_count, levels=levels, left=left_count, right=right_count)
    # each side's lines are dropped once its rows are built (the rows are what is compared)
    left_rows = list(left_structure.rows())
    del left_structure
    right_rows = list(right_structure.rows())
    del right_structure
    if mode.summarized:
        before, after = _summarized(left_rows), _summarized(right_rows)
    else:
        before, after = (
            _keyed_lines(left_rows, mode.line_key),
            _keyed_lines(right_rows, mode.line_key),
        )
    added = [after[k] for k in sorted(after.keys() - before.keys())]
    removed = [before[k] for k in sorted(before.keys() - after.keys())]
    changed = []
    for key in sorted(before.keys() & after.keys()):
        changes = _changes(mode, before[key]["properties"], after[key]["properties"])
        if changes:
            entry = {k: v for k, v in after[key].items() if k != "properties"}
            entry.update(
                before=before[key]["properties"],
                after=after[key]["properties"],
                changes=changes,
                severity=max((c["severity"] for c in changes), key=SEVERITY_RANK.__getitem__),
            )
            changed.append(entry)
    severities = [c["severity"] for c in changed]
    mixed = sorted(k for k, v in {**before, **after}.items() if v["properties"].get("mixed_uom"))
    return {
        "left": _item_ref(left, left_rule),
        "right": _item_ref(right, right_rule),
        "levels": levels,
        "compare_mode": compare_mode,
        "line_key": mode.line_key,
        "fields": list(mode.fields),
        "summary": {
            "added": len(added),
            "removed": len(removed),
            "changed": len(changed),
            "changed_major": severities.count("major"),
            "changed_minor": severities.count("minor"),
            "changed_info": severities.count("info"),
        },
        "added": added,
        "removed": removed,
        "changed": changed,
        "mixed_uom": mixed,
    }


def compare_by_ids(
    session: Session,
    left_id: str,
    right_id: str,
    *,
    levels: int = -1,
    compare_mode: str | None = None,
    line_key: str = "child_config",
    rule: RevisionRule | None = None,
    limits: StructureLimits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """compare_boms by revision ids; checks the query before touching the database."""
    check_mode(compare_mode, line_key)
    check_levels(levels)
    left, right = item_service.get(session, left_id), item_service.get(session, right_id)
    return compare_boms(
        session,
        left,
        right,
        levels=levels,
        compare_mode=compare_mode,
        line_key=line_key,
        rule=rule,
        limits=limits,
    )
