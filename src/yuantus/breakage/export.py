"""Streamed exports of incidents (csv, json, xlsx) and of the metrics (csv, md)."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, select

from yuantus.breakage.models import BreakageIncident as Incident
from yuantus.breakage.schemas import BreakageMetrics
from yuantus.core.db import Database

COLUMNS = (
    "number",
    "state",
    "occurred_at",
    "product_number",
    "component_number",
    "workorder_id",
    "batch_code",
    "customer",
    "failure_mode",
    "description",
    "quantity",
    "responsibility",
    "severity",
    "helpdesk_ticket_id",
)
_CHUNK = 1000


def _rows(db: Database, conds: list[ColumnElement[bool]]) -> Iterator[tuple[Any, ...]]:
    """The matching incidents as plain tuples, read in chunks by a session of its own."""
    columns = [getattr(Incident, "status" if c == "state" else c) for c in COLUMNS]
    session = db.session(read_only=True)
    try:
        query = select(*columns).where(*conds).order_by(Incident.occurred_at, Incident.id)
        yield from session.execute(query.execution_options(yield_per=_CHUNK))
    finally:
        session.close()


def _text(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def csv_stream(db: Database, conds: list[ColumnElement[bool]]) -> Iterator[bytes]:
    """CSV, a chunk of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for index, row in enumerate(_rows(db, conds), 1):
        writer.writerow([_text(v) for v in row])
        if index % _CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


# the OpenAPI description of json_stream's answer: an array of rows (times as ISO 8601 text)
JSON_CONTENT = {
    "application/json": {
        "schema": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    c: {"type": "integer" if c == "quantity" else ["string", "null"]}
                    for c in COLUMNS
                },
            },
        }
    }
}


def json_stream(db: Database, conds: list[ColumnElement[bool]]) -> Iterator[bytes]:
    """A JSON array of objects, one incident at a time."""
    yield b"["
    for index, row in enumerate(_rows(db, conds)):
        item = dict(zip(COLUMNS, (_text(v) for v in row), strict=True))
        yield (b"," if index else b"") + json.dumps(item).encode()
    yield b"]"


def xlsx_stream(db: Database, conds: list[ColumnElement[bool]]) -> Iterator[bytes]:
    """An XLSX written row by row (openpyxl write-only) to a temp file, then streamed from it."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("breakages")
    sheet.append(list(COLUMNS))
    for row in _rows(db, conds):
        sheet.append([_text(v) for v in row])
    with tempfile.TemporaryFile() as spool:
        book.save(spool)
        spool.seek(0)
        while chunk := spool.read(1 << 16):
            yield chunk


def metrics_csv(m: BreakageMetrics) -> str:
    """The metrics as `section,key,value` rows, the trend included."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["section", "key", "value"])
    w.writerow(["summary", "total", m.total])
    w.writerow(["summary", "repeated_failure_rate", m.repeated_failure_rate])
    w.writerow(["summary", "repeated_event_count", m.repeated_event_count])
    for h in m.hotspot_components:
        w.writerow(["hotspot", h.item_number, h.count])
    for section, rows in _sections(m):
        for r in rows:
            w.writerow([section, r.key, r.count])
    for p in m.trend:
        w.writerow(["trend", p.day.isoformat(), p.count])
    return out.getvalue()


def _sections(m: BreakageMetrics) -> list[tuple[str, Any]]:
    return [
        ("state", m.by_status),
        ("severity", m.by_severity),
        ("responsibility", m.by_responsibility),
        ("failure_mode", m.by_failure_mode),
    ]


def metrics_markdown(m: BreakageMetrics) -> str:
    """The metrics as a Markdown report a quality engineer can paste into a review."""
    lines = [
        "# Breakage metrics",
        "",
        f"- Incidents: {m.total}",
        f"- Repeated failure rate: {m.repeated_failure_rate:.1%} "
        f"({m.repeated_event_count} incidents in {m.repeated_signature_count} repeated failures)",
        "",
        "## Hotspot components",
        "",
        "| Component | Name | Incidents | Share |",
        "|---|---|---:|---:|",
    ]
    lines += [
        f"| {h.item_number} | {h.name or ''} | {h.count} | {h.share:.1%} |"
        for h in m.hotspot_components
    ]
    for section, rows in _sections(m):
        lines += [
            "",
            f"## By {section.replace('_', ' ')}",
            "",
            "| Value | Incidents |",
            "|---|---:|",
        ]
        lines += [f"| {r.key} | {r.count} |" for r in rows]
    lines += ["", "## Daily trend", "", "| Day | Incidents |", "|---|---:|"]
    lines += [f"| {p.day.isoformat()} | {p.count} |" for p in m.trend]
    return "\n".join(lines) + "\n"
