"""The ECO change report as a PDF (fpdf2), with a Unicode font when the system has one."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from yuantus.eco.report import Report

# DejaVu covers Latin, Greek, Cyrillic and the arrows reports use; without it the core
# Helvetica font is used and characters outside Latin-1 become `?`
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
)


def _font(pdf: FPDF) -> tuple[str, bool]:
    """The font family to use and whether it is Unicode."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            return "DejaVu", True
    return "Helvetica", False


class _Doc:
    """A small layout helper over FPDF: headings, key/value lines and tables."""

    def __init__(self, title: str) -> None:
        self.pdf = FPDF(orientation="L", format="A4")
        self.pdf.set_title(title)
        self.pdf.set_auto_page_break(auto=True, margin=12)
        self.family, self.unicode = _font(self.pdf)
        self.pdf.add_page()

    def text(self, value: str) -> str:
        """The value as the font can draw it."""
        if self.unicode:
            return value
        value = value.replace("→", "->")
        return value.encode("latin-1", "replace").decode("latin-1")

    def heading(self, value: str, size: int = 13) -> None:
        """A bold heading line."""
        self.pdf.set_font(self.family, "B", size)
        self.pdf.ln(2)
        self.pdf.cell(0, 8, self.text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def line(self, value: str) -> None:
        """A paragraph of body text."""
        self.pdf.set_font(self.family, "", 9)
        self.pdf.multi_cell(0, 5, self.text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def table(self, head: list[str], rows: list[list[str]], widths: list[int]) -> None:
        """A table with a bold header row; long cells wrap."""
        if not rows:
            self.line("(none)")
            return
        self.pdf.set_font(self.family, "", 8)
        with self.pdf.table(col_widths=tuple(widths), text_align="LEFT", line_height=4.5) as table:
            header = table.row()
            for cell in head:
                header.cell(self.text(cell))
            for values in rows:
                row = table.row()
                for cell in values:
                    row.cell(self.text(cell))


def render(report: Report) -> bytes:
    """The report as PDF bytes."""
    doc = _Doc(f"ECO report {report.number}")
    doc.heading(f"ECO report {report.title}", 15)
    doc.table(["field", "value"], [[k, v] for k, v in report.header if v], [40, 230])
    doc.heading("Stages")
    doc.table(
        ["stage", "status", "approvals"],
        [[s.name, s.status, s.approvals] for s in report.stages],
        [70, 40, 160],
    )
    doc.heading("Approvals")
    doc.table(
        ["stage", "user", "decision", "date", "comment"],
        [[a.stage, a.user, a.decision, a.date, a.comment] for a in report.approvals],
        [50, 35, 30, 40, 115],
    )
    doc.heading("BOM changes")
    doc.line(report.bom_summary)
    doc.table(
        ["line", "field", "before", "after", "severity"],
        [[r["subject"], r["label"], r["before"], r["after"], r["severity"]] for r in report.bom],
        [90, 45, 55, 55, 25],
    )
    doc.heading("Files changed")
    doc.table(
        ["role", "file", "change", "before", "after"],
        [[f.role, f.filename, f.change, f.before, f.after] for f in report.files],
        [30, 80, 25, 67, 68],
    )
    return bytes(doc.pdf.output())
