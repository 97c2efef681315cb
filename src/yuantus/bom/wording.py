"""Delta operations in words and (field, before, after) rows: what reports and exports show."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from yuantus.core import decimals

LABELS = {
    "quantity": "quantity",
    "uom": "unit",
    "quantity_by_uom": "quantity per unit",
    "find_num": "find number",
    "refdes": "reference designators",
    "notes": "notes",
    "sequence": "sequence",
}
# the fields an added or removed line is described by, in this order (sequence is layout)
LINE_FIELDS = ("quantity", "uom", "quantity_by_uom", "find_num", "refdes", "notes")
ARROW = "→"


def label(field: str) -> str:
    """A field's name in words: find_num is `find number`, properties.colour is `colour`."""
    if field.startswith("properties."):
        return f"property {field.removeprefix('properties.')}"
    return LABELS.get(field, field.replace("_", " "))


def text(value: Any) -> str:
    """A value as people read it: 0.5 not "0.500000", R1, R2 not ["R1","R2"], empty for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return decimals.to_str(value)
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value)
    if isinstance(value, dict):
        # quantity per unit ({"EA": 3, "M": 1.5}) and property maps
        return "; ".join(
            f"{text(v)} {k}" if isinstance(v, Decimal) else f"{k}={text(v)}"
            for k, v in sorted(value.items())
        )
    return str(value)


def _flatten(props: dict[str, Any] | None) -> dict[str, Any]:
    """A line's values keyed by field, its properties spread out as properties.<key>."""
    out: dict[str, Any] = {}
    for field, value in (props or {}).items():
        if field == "properties":
            out.update({f"properties.{k}": v for k, v in (value or {}).items()})
        elif field in LINE_FIELDS:
            out[field] = value
    return out


def _ordered(fields: set[str]) -> list[str]:
    known = [f for f in LINE_FIELDS if f in fields]
    return known + sorted(f for f in fields if f not in LINE_FIELDS)


def field_rows(op: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, before, after) as text for each field an operation changes, adds or removes."""
    if op["op"] == "update":
        rows: list[tuple[str, str, str]] = []
        for change in op["changes"]:
            if change["field"] == "properties":
                before, after = (
                    _flatten({"properties": change["before"]}),
                    _flatten({"properties": change["after"]}),
                )
                for field in _ordered(set(before) | set(after)):
                    if before.get(field) != after.get(field):
                        rows.append((field, text(before.get(field)), text(after.get(field))))
            else:
                rows.append((change["field"], text(change["before"]), text(change["after"])))
        return rows
    values = _flatten(op.get("properties"))
    # a summarized line shows its quantity per unit only when the units are mixed
    hidden = {"quantity_by_uom"} if text(values.get("quantity")) else {"quantity", "uom"}
    shown = [f for f in _ordered(set(values)) if text(values[f]) and f not in hidden]
    if op["op"] == "add":
        return [(f, "", text(values[f])) for f in shown]
    return [(f, text(values[f]), "") for f in shown]


def row_words(op: str, field: str, before: str, after: str) -> str:
    """One field's change in words, e.g. `quantity 2 → 3`, `notes set to smd`."""
    name = label(field)
    if op == "add":
        return f"added with {name} {after}"
    if op == "remove":
        return f"removed, had {name} {before}"
    if not before:
        return f"{name} set to {after}"
    if not after:
        return f"{name} cleared (was {before})"
    return f"{name} {before} {ARROW} {after}"


def _what(op: dict[str, Any]) -> str:
    name = op.get("child_name")
    number = op.get("child_number") or op.get("line_key") or "?"
    return f"{number} ({name})" if name else str(number)


def _values(rows: list[tuple[str, str, str]], after: bool) -> str:
    """An added (after) or removed (before) line's values: `quantity 8 EA, find number 40`."""
    values = {f: (a if after else b) for f, b, a in rows}
    out = []
    if values.get("quantity"):
        out.append(f"quantity {values['quantity']} {values.get('uom', '')}".rstrip())
    out += [f"{label(f)} {v}" for f, v in values.items() if f not in ("quantity", "uom")]
    return ", ".join(out)


def sentence(op: dict[str, Any]) -> str:
    """A whole operation in words, e.g. `added NUT (Hex nut) under TOP: quantity 8 EA`."""
    rows = field_rows(op)
    parent = op.get("parent_number")
    under = f" under {parent}" if parent else ""
    if op["op"] == "add":
        return f"added {_what(op)}{under}: {_values(rows, after=True)}"
    if op["op"] == "remove":
        source = f" from {parent}" if parent else ""
        return f"removed {_what(op)}{source}: {_values(rows, after=False)}"
    changes = "; ".join(f"{label(f)} {b or '(none)'} {ARROW} {a or '(none)'}" for f, b, a in rows)
    return f"changed {_what(op)}{under}: {changes}"


RISK_BY_SEVERITY = {"major": "high", "minor": "medium", "info": "low"}


def change_rows(op: dict[str, Any]) -> list[dict[str, str]]:
    """An operation's rows: field, label, before, after, change (words), severity, risk."""
    severities = {c["field"]: c["severity"] for c in op.get("changes") or []}
    out = []
    for field, before, after in field_rows(op):
        # an update's row carries its own field's severity (a property: the properties')
        severity = severities.get(field.split(".")[0], op["severity"])
        risk = RISK_BY_SEVERITY[severity] if op["op"] == "update" else op["risk_level"]
        out.append(
            {
                "field": field,
                "label": label(field),
                "before": before,
                "after": after,
                "change": row_words(op["op"], field, before, after),
                "severity": severity,
                "risk": risk,
            }
        )
    return out
