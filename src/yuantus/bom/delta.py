"""P1-D delta: a compare turned into an ordered patch; preview, export, apply."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.bom import codes, wording
from yuantus.bom import service as bom_service
from yuantus.bom.compare import line_props
from yuantus.bom.delta_schemas import OPS, check_ops
from yuantus.bom.explosion import explode_flat
from yuantus.bom.limits import DEFAULT_LIMITS, StructureLimits
from yuantus.bom.models import BomLine
from yuantus.bom.normalize import (
    norm_find_num,
    norm_refdes,
    norm_uom,
    parse_quantity,
    qty_equal,
)
from yuantus.core import decimals
from yuantus.core.errors import Conflict, NotFound, Unprocessable
from yuantus.identity.models import User
from yuantus.item import service as item_service
from yuantus.item.models import Item

RISK_BY_SEVERITY = {"major": "high", "minor": "medium", "info": "low"}
RISK_RANK = {"low": 0, "medium": 1, "high": 2}
CSV_COLUMNS = (
    "op",
    "line_key",
    "parent_number",
    "parent_name",
    "child_number",
    "child_name",
    "field",
    "before",
    "after",
    "change",
    "severity",
    "risk_level",
)
EXPORT_FORMATS = ("json", "csv", "md")
# the fields a line is identified by when a delta is applied
MATCH_FIELDS = ("quantity", "uom", "find_num", "refdes")

_ENTRY_FIELDS = (
    "line_key",
    "level",
    "path",
    "parent_number",
    "parent_name",
    "child_config_id",
    "child_id",
    "child_number",
    "child_revision",
    "child_name",
)


def _op(kind: str, entry: dict[str, Any]) -> dict[str, Any]:
    op = {"op": kind, **{k: entry.get(k) for k in _ENTRY_FIELDS}}
    if kind == "update":
        op.update(before=entry["before"], after=entry["after"], changes=entry["changes"])
        op["severity"] = entry["severity"]
        op["risk_level"] = RISK_BY_SEVERITY[entry["severity"]]
    else:
        # adding or removing a component is a structural change: reviewed, never trivial
        op.update(properties=entry["properties"], severity="major", risk_level="medium")
    return op


def build_delta_preview(compare_result: dict[str, Any]) -> dict[str, Any]:
    """Ordered add/remove/update operations (removes, updates, adds; each by level and key)."""
    ops = (
        [_op("remove", e) for e in compare_result["removed"]]
        + [_op("update", e) for e in compare_result["changed"]]
        + [_op("add", e) for e in compare_result["added"]]
    )
    ops.sort(key=lambda o: (OPS.index(o["op"]), o["level"] or 0, o["line_key"]))
    risks = {"high": 0, "medium": 0, "low": 0}
    for o in ops:
        risks[o["risk_level"]] += 1
    present = [r for r, n in risks.items() if n]
    return {
        "left": compare_result["left"],
        "right": compare_result["right"],
        "compare_mode": compare_result["compare_mode"],
        "line_key": compare_result["line_key"],
        "summary": {
            "total": len(ops),
            "add": sum(o["op"] == "add" for o in ops),
            "remove": sum(o["op"] == "remove" for o in ops),
            "update": sum(o["op"] == "update" for o in ops),
            "risk_distribution": risks,
            "overall_risk": max(present, key=RISK_RANK.__getitem__) if present else "none",
        },
        "operations": ops,
    }


def export_delta_csv(preview: dict[str, Any]) -> str:
    """CSV: one row per field an operation adds, removes or changes, with the change in words."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for o in preview["operations"]:
        base = [o["op"], o["line_key"], o["parent_number"] or "", o["child_number"] or ""]
        base.append(o.get("child_name") or "")
        for r in wording.change_rows(o):
            writer.writerow(
                [*base, r["field"], r["before"], r["after"], r["change"], r["severity"], r["risk"]]
            )
    return out.getvalue()


def export_delta_json(preview: dict[str, Any]) -> str:
    """The preview as indented JSON."""
    return json.dumps(preview, indent=2, ensure_ascii=False, default=decimals.json_default)


def _md(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def _named(op: dict[str, Any], side: str) -> str | None:
    """`P-000123 Bracket`: a part's number and name in one cell."""
    number, name = op.get(f"{side}_number"), op.get(f"{side}_name")
    return f"{number} {name}" if number and name else number


def export_delta_markdown(preview: dict[str, Any]) -> str:
    """A Markdown report: summary, then a table of every changed field in words."""
    s = preview["summary"]
    left, right = preview["left"], preview["right"]
    lines = [
        f"# BOM delta: {left['item_number']} rev {left['revision']} {left['name']} -> "
        f"{right['item_number']} rev {right['revision']} {right['name']}",
        "",
        f"- compare mode: {preview['compare_mode'] or 'default'} (line key {preview['line_key']})",
        f"- operations: {s['total']} (add {s['add']}, remove {s['remove']}, update {s['update']})",
        "- risk: overall {overall}; high {high}, medium {medium}, low {low}".format(
            overall=s["overall_risk"], **s["risk_distribution"]
        ),
        "",
        *markdown_table(preview["operations"]),
    ]
    return "\n".join(lines) + "\n"


def markdown_table(operations: list[dict[str, Any]]) -> list[str]:
    """The operations as Markdown table lines: one row per operation, its changes in words."""
    lines = [
        "| op | parent | child | name | field | before | after | severity | risk |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for o in operations:
        for r in wording.change_rows(o):
            cells = [
                o["op"],
                o["parent_number"] or "",
                o["child_number"] or o["line_key"],
                o.get("child_name") or "",
                r["label"],
                r["before"],
                r["after"],
                r["severity"],
                r["risk"],
            ]
            lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    return lines


def export_delta(preview: dict[str, Any], export_format: str) -> tuple[str, str, str]:
    """(content, media type, filename) of an export; 422 for an unknown format."""
    if export_format == "json":
        return export_delta_json(preview), "application/json", "bom-delta-preview.json"
    if export_format == "csv":
        return export_delta_csv(preview), "text/csv; charset=utf-8", "bom-delta-preview.csv"
    if export_format == "md":
        return (
            export_delta_markdown(preview),
            "text/markdown; charset=utf-8",
            "bom-delta-preview.md",
        )
    raise Unprocessable(
        f"unknown export_format {export_format!r}; allowed: {', '.join(EXPORT_FORMATS)}",
        code=codes.INVALID_EXPORT_FORMAT,
        context={"export_format": export_format, "allowed": list(EXPORT_FORMATS)},
    )


def check_export_format(export_format: str) -> str:
    """422 invalid_export_format unless json, csv or md."""
    if export_format not in EXPORT_FORMATS:
        export_delta({"operations": []}, export_format)
    return export_format


def _matches(line: BomLine, expected: dict[str, Any] | None) -> bool:
    """The line carries the expected (normalized) values of the identifying fields."""
    if not expected:
        return True
    current: dict[str, Any] = {
        "quantity": line.quantity,
        "uom": norm_uom(line.uom),
        "find_num": norm_find_num(line.find_num),
        "refdes": norm_refdes(line.refdes),
    }
    for f in MATCH_FIELDS:
        if f not in expected:
            continue
        want = expected[f]
        if f == "quantity":
            # a client sends back the preview's text ("0.3") or a number
            if not qty_equal(current[f], parse_quantity(want) if want is not None else None):
                return False
        elif f == "uom":
            if current[f] != norm_uom(want):
                return False
        elif f == "refdes":
            if current[f] != norm_refdes(want):
                return False
        elif current[f] != norm_find_num(want):
            return False
    return True


def _row_matches(props: dict[str, Any], expected: dict[str, Any]) -> bool:
    probe = BomLine(
        quantity=props["quantity"],
        uom=props["uom"],
        find_num=props["find_num"],
        refdes=props["refdes"],
    )
    return _matches(probe, expected)


def _conflict(op: dict[str, Any], reason: str) -> dict[str, Any]:
    return {"op": op.get("op"), "line_key": op.get("line_key"), "reason": reason}


def _apply_direct(
    session: Session,
    target: Item,
    ops: list[dict[str, Any]],
    conflicts: list[dict[str, Any]],
    user: User | None,
) -> dict[str, int]:
    """Apply the level-1 operations (the target's own lines) in preview order."""
    lines = sorted(
        session.scalars(select(BomLine).where(BomLine.parent_item_id == target.id)),
        key=lambda line: (line.sequence, line.id),
    )
    claimed: set[str] = set()
    applied = {"add": 0, "remove": 0, "update": 0}

    def find(op: dict[str, Any], expected: dict[str, Any] | None) -> BomLine | None:
        for line in lines:
            if line.id in claimed or line.child_config_id != op["child_config_id"]:
                continue
            if _matches(line, expected):
                claimed.add(line.id)
                return line
        return None

    for op in ops:
        kind = op["op"]
        if kind == "remove":
            line = find(op, op.get("properties"))
            if line is None:
                conflicts.append(_conflict(op, "line_not_found_or_changed"))
                continue
            bom_service.delete_line(session, line, user)
        elif kind == "update":
            expected = dict(op.get("before") or {})
            for change in op.get("changes") or []:
                if "before" in change:  # a change sent without its before value checks none
                    expected[change["field"]] = change["before"]
            line = find(op, expected)
            if line is None:
                conflicts.append(_conflict(op, "line_not_found_or_changed"))
                continue
            fields = {c["field"]: c["after"] for c in op.get("changes") or []}
            bom_service.update_line(session, line, user=user, **fields)
        else:
            props = dict(op.get("properties") or {})
            try:
                child = item_service.get_current(session, op["child_config_id"])
            except NotFound:
                conflicts.append(_conflict(op, "child_not_found"))
                continue
            line = bom_service.add_child(
                session,
                target,
                child,
                props.get("quantity", 1),
                uom=props.get("uom") or "EA",
                find_num=props.get("find_num"),
                refdes=props.get("refdes"),
                notes=props.get("notes"),
                sequence=props.get("sequence"),
                properties=props.get("properties"),
                user=user,
            )
            claimed.add(line.id)
        applied[kind] += 1
    session.flush()
    return applied


def _verify_deeper(
    session: Session,
    target: Item,
    ops: list[dict[str, Any]],
    conflicts: list[dict[str, Any]],
    limits: StructureLimits,
) -> int:
    """Deeper operations edit sub-assemblies, not the target: they must already hold."""
    if not ops:
        return 0
    rows: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in explode_flat(session, target, limits=limits):
        rows.setdefault(tuple(row.path[1:]), []).append(line_props(row))
    for op in ops:
        found = rows.get(tuple(op.get("path") or ()), [])
        if op["op"] == "add":
            ok = any(_row_matches(p, op.get("properties") or {}) for p in found)
        elif op["op"] == "remove":
            ok = not any(_row_matches(p, op.get("properties") or {}) for p in found)
        else:
            after = {c["field"]: c["after"] for c in op.get("changes") or []}
            ok = any(_row_matches(p, after) for p in found)
        if not ok:
            conflicts.append(_conflict(op, "sub_assembly_differs"))
    return len(ops)


def apply_delta(
    session: Session,
    target: Item,
    operations: list[dict[str, Any]],
    user: User | None = None,
    limits: StructureLimits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """Apply delta operations to an editable revision, all or nothing; 409 delta_conflict."""
    target = item_service.lock_editable(session, target.id)
    check_ops(operations)
    ordered = sorted(operations, key=lambda o: (OPS.index(o["op"]), o["level"], o["line_key"]))
    conflicts: list[dict[str, Any]] = []
    # a savepoint: a caller that catches the conflict keeps none of the partial edits
    with session.begin_nested():
        direct = [o for o in ordered if o["level"] == 1]
        applied = _apply_direct(session, target, direct, conflicts, user)
        verified = _verify_deeper(
            session, target, [o for o in ordered if o["level"] > 1], conflicts, limits
        )
        if conflicts:
            raise Conflict(
                f"{len(conflicts)} delta operation(s) no longer match {target.item_number} "
                f"rev {target.revision}",
                code=codes.DELTA_CONFLICT,
                context={"target_id": target.id, "conflicts": conflicts},
            )
    return {
        "target": {"id": target.id, "item_number": target.item_number, "revision": target.revision},
        "applied": applied,
        "verified": verified,
    }


def apply_delta_by_id(
    session: Session,
    target_id: str,
    operations: list[dict[str, Any]],
    user: User | None = None,
    limits: StructureLimits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """apply_delta by target revision id."""
    return apply_delta(session, item_service.get(session, target_id), operations, user, limits)


def preview_by_ids(
    session: Session, run_compare: Callable[[Session], dict[str, Any]]
) -> dict[str, Any]:
    """The delta preview of a compare the caller describes."""
    return build_delta_preview(run_compare(session))


def export_by_query(
    session: Session, run_compare: Callable[[Session], dict[str, Any]], export_format: str
) -> tuple[str, str, str]:
    """Check the format first (a bad one writes and reads nothing), then export the preview."""
    check_export_format(export_format)
    return export_delta(build_delta_preview(run_compare(session)), export_format)
