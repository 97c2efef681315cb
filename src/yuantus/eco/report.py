"""An ECO's change report: header, stages, approvals, the BOM delta and the files changed.

`build` gathers the report as plain values; `markdown` and `csv_text` render it here,
report_pdf.py renders it as a PDF. Every value is text people read: numbers and names,
never ids or JSON.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.bom import wording
from yuantus.bom.compare import compare_boms
from yuantus.bom.delta import build_delta_preview
from yuantus.bom.limits import DEFAULT_LIMITS, StructureLimits
from yuantus.eco import stages as stage_service
from yuantus.eco.models import Eco, EcoApproval
from yuantus.file import service as file_service
from yuantus.identity.models import User
from yuantus.item import service as item_service

FORMATS = ("md", "csv", "pdf")
CSV_COLUMNS = ("section", "subject", "field", "before", "after", "change", "user", "date")


@dataclass
class StageLine:
    """A stage of the process and where the ECO stands in it."""

    name: str
    status: str  # passed, current or ahead
    approvals: str  # the stage's approval rule in words


@dataclass
class ApprovalLine:
    """One decision: who decided what on which stage, and when."""

    stage: str
    user: str
    decision: str
    comment: str
    date: str


@dataclass
class FileLine:
    """A file the target revision adds, removes or replaces (same role and name)."""

    role: str
    filename: str
    change: str  # added, removed, replaced
    before: str
    after: str


@dataclass
class Report:
    """Everything the report shows, as text."""

    number: str
    title: str
    header: list[tuple[str, str]]
    stages: list[StageLine] = field(default_factory=list)
    approvals: list[ApprovalLine] = field(default_factory=list)
    bom: list[dict[str, str]] = field(default_factory=list)
    bom_summary: str = ""
    files: list[FileLine] = field(default_factory=list)


def when(value: datetime | None) -> str:
    """A timestamp as `2026-12-02 14:05 UTC` (empty for none)."""
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _usernames(session: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.username).where(User.id.in_(ids)))
    return {row[0]: row[1] for row in rows}


def build(session: Session, eco: Eco, limits: StructureLimits = DEFAULT_LIMITS) -> Report:
    """The report of an ECO as it stands now."""
    source = item_service.get(session, eco.product_id)
    target = item_service.get(session, eco.target_item_id) if eco.target_item_id else None
    decisions = list(
        session.scalars(
            select(EcoApproval)
            .where(EcoApproval.eco_id == eco.id)
            .order_by(EcoApproval.created_at, EcoApproval.stage_visit, EcoApproval.id)
        )
    )
    names = _usernames(
        session, {d.user_id for d in decisions} | ({eco.created_by} if eco.created_by else set())
    )
    header = [
        ("number", eco.number),
        ("name", eco.name),
        ("type", eco.eco_type),
        ("state", eco.state),
        ("priority", eco.priority),
        ("stage", eco.stage_name),
        ("product", f"{source.item_number} {source.name}"),
        ("source revision", f"{source.revision} ({source.state})"),
        ("target revision", f"{target.revision} ({target.state})" if target else "none yet"),
        ("effectivity date", eco.effectivity_date.isoformat() if eco.effectivity_date else ""),
        ("created by", names.get(eco.created_by or "", "")),
        ("created at", when(eco.created_at)),
        ("applied at", when(eco.applied_at)),
        ("description", eco.description or ""),
    ]
    report = Report(eco.number, f"{eco.number}: {eco.name}", header)
    report.stages = _stages(session, eco)
    stage_names = {s.id: s.name for s in stage_service.ordered_stages(session)}
    report.approvals = [
        ApprovalLine(
            stage=stage_names.get(d.stage_id, d.stage_id),
            user=names.get(d.user_id, d.user_id),
            decision=d.decision,
            comment=d.comment or "",
            date=when(d.created_at),
        )
        for d in decisions
    ]
    if target is not None:
        preview = build_delta_preview(compare_boms(session, source, target, limits=limits))
        s = preview["summary"]
        report.bom_summary = (
            f"{s['total']} change(s): {s['add']} added, {s['remove']} removed, "
            f"{s['update']} changed; overall risk {s['overall_risk']}"
        )
        report.bom = [
            {"subject": _subject(op), **row}
            for op in preview["operations"]
            for row in wording.change_rows(op)
        ]
        report.files = _files(session, source.id, target.id)
    else:
        report.bom_summary = "no target revision yet"
    return report


def _subject(op: dict[str, Any]) -> str:
    """`TOP > BOLT (Hex bolt)`: where the line is and what it uses."""
    name = f" ({op['child_name']})" if op.get("child_name") else ""
    parent = f"{op['parent_number']} > " if op.get("parent_number") else ""
    return f"{op['op']} {parent}{op.get('child_number') or op['line_key']}{name}"


def _stages(session: Session, eco: Eco) -> list[StageLine]:
    current = eco.stage
    out = []
    for stage in stage_service.ordered_stages(session):
        if stage.id == current.id:
            status = "current" if eco.state not in ("done", "canceled") else eco.state
        else:
            status = "passed" if stage.sequence < current.sequence else "ahead"
        if stage.takes_approvals:
            roles = ", ".join(stage.approval_roles) or "any role"
            rule = f"{stage.approval_type}: {stage.min_approvals} of {roles}"
        else:
            rule = "no approval"
        out.append(StageLine(stage.name, status, rule))
    return out


def _files(session: Session, source_id: str, target_id: str) -> list[FileLine]:
    """The target's files against the source's, matched by role and file name."""

    def by_key(item_id: str) -> dict[tuple[str, str], Any]:
        return {
            (f.role, f.file.filename): f.file for f in file_service.list_links(session, item_id)
        }

    before, after = by_key(source_id), by_key(target_id)
    out = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and old.sha256 == new.sha256:
            continue
        change = "added" if old is None else "removed" if new is None else "replaced"
        out.append(FileLine(key[0], key[1], change, _file_text(old), _file_text(new)))
    return out


def _file_text(obj: Any) -> str:
    """A stored file as `12.5 KB, sha256 0a1b2c3d`."""
    if obj is None:
        return ""
    return f"{_size(obj.size)}, sha256 {obj.sha256[:12]}"


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _md(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return lines


def markdown(report: Report) -> str:
    """The report as Markdown."""
    out = [f"# ECO report {report.title}", ""]
    out += [f"- **{k}**: {v}" for k, v in report.header if v]
    out += ["", "## Stages", ""]
    out += _table(
        ["stage", "status", "approvals"], [[s.name, s.status, s.approvals] for s in report.stages]
    )
    out += ["", "## Approvals", ""]
    if report.approvals:
        out += _table(
            ["stage", "user", "decision", "date", "comment"],
            [[a.stage, a.user, a.decision, a.date, a.comment] for a in report.approvals],
        )
    else:
        out.append("No decisions yet.")
    out += ["", "## BOM changes", "", report.bom_summary, ""]
    if report.bom:
        out += _table(
            ["line", "field", "before", "after", "severity"],
            [
                [r["subject"], r["label"], r["before"], r["after"], r["severity"]]
                for r in report.bom
            ],
        )
        out.append("")
    out += ["## Files changed", ""]
    if report.files:
        out += _table(
            ["role", "file", "change", "before", "after"],
            [[f.role, f.filename, f.change, f.before, f.after] for f in report.files],
        )
    else:
        out.append("No file changes.")
    return "\n".join(out) + "\n"


def csv_text(report: Report) -> str:
    """The report as CSV: one row per header field, stage, decision, BOM change and file."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for key, value in report.header:
        w.writerow(["header", report.number, key, "", value, "", "", ""])
    for s in report.stages:
        w.writerow(["stage", s.name, "status", "", s.status, s.approvals, "", ""])
    for a in report.approvals:
        w.writerow(["approval", a.stage, "decision", "", a.decision, a.comment, a.user, a.date])
    for r in report.bom:
        w.writerow(["bom", r["subject"], r["field"], r["before"], r["after"], r["change"], "", ""])
    for f in report.files:
        w.writerow(["file", f.filename, f.role, f.before, f.after, f.change, "", ""])
    return buf.getvalue()


MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


def export(
    session: Session, eco: Eco, fmt: str, limits: StructureLimits = DEFAULT_LIMITS
) -> tuple[bytes, str, str]:
    """(content, media type, filename) of an ECO's report as md, csv or pdf."""
    report = build(session, eco, limits)
    if fmt == "pdf":
        from yuantus.eco import report_pdf

        content = report_pdf.render(report)
    elif fmt == "csv":
        content = csv_text(report).encode("utf-8")
    else:
        content = markdown(report).encode("utf-8")
    return content, MEDIA_TYPES[fmt], f"{eco.number}-report.{fmt}"
