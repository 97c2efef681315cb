"""The pack as one PDF book: a cover and index, then each document's printout, every page
stamped with its number, revision and "controlled copy - printed <time> by <user>"."""

from __future__ import annotations

import io
from datetime import datetime

from fpdf import FPDF
from pypdf import PageObject, PdfReader, PdfWriter

from yuantus.file import service as file_service
from yuantus.file.storage import Storage
from yuantus.workorder_doc.schemas import PackManifest
from yuantus.workorder_doc.service import Doc, Pack

# a printout larger than this is not merged (a placeholder page says so)
MAX_PRINTOUT_BYTES = 200 * 1024 * 1024


def _number(doc: Doc) -> str:
    return doc.current.item_number if doc.current else doc.config_id


def _printout(doc: Doc, storage: Storage) -> PdfReader | None:
    """The document revision's PDF printout, if it has one that reads as a PDF."""
    for link, file_obj in doc.files:
        if link.role != "printout" or file_obj.size > MAX_PRINTOUT_BYTES:
            continue
        with file_service.open_content(storage, file_obj) as stream:
            data = stream.read()
        try:
            reader = PdfReader(io.BytesIO(data))
            if len(reader.pages) > 0:
                return reader
        except Exception:  # noqa: S112 - a broken printout gets the placeholder page
            continue
    return None


def _cover(pack: Pack, content: PackManifest, rows: list[tuple[Doc, int]], offset: int) -> bytes:
    """The cover and index; `offset` is the cover's own page count (for the page column)."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 10, "Work-order document pack", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    order = content.workorder_number or "-"
    header = [
        f"Routing: {content.routing_code} v{content.routing_version}",
        f"Operation: {content.operation_id or 'all operations'}",
        f"Work order: {order}",
        f"Revision rule: {pack.rule.kind}"
        + (f" as of {pack.rule.as_of:%Y-%m-%d %H:%M} UTC" if pack.rule.as_of else ""),
        f"Generated: {content.generated_at:%Y-%m-%d %H:%M} UTC by {content.generated_by}",
    ]
    for line in header:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("helvetica", "B", 10)
    for text, width in (("Document", 50), ("Rev", 15), ("State", 30), ("Name", 75), ("Page", 20)):
        pdf.cell(width, 7, text, border=1)
    pdf.ln()
    pdf.set_font("helvetica", size=9)
    page = offset + 1
    for doc, pages in rows:
        cells = (
            (_number(doc), 50),
            (doc.row.revision if doc.row else "missing", 15),
            (doc.row.state if doc.row else "-", 30),
            ((doc.current.name if doc.current else "")[:45], 75),
            (str(page), 20),
        )
        for text, width in cells:
            pdf.cell(width, 6, text, border=1)
        pdf.ln()
        page += pages
    return bytes(pdf.output())


def _placeholder(doc: Doc) -> PageObject:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(
        0,
        10,
        f"{_number(doc)} rev {doc.row.revision if doc.row else '-'}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("helvetica", size=11)
    reason = "has no PDF printout" if doc.row else "has no released revision (missing)"
    pdf.multi_cell(
        0, 7, f"This document {reason}. Use the files of the zip pack, or ask engineering."
    )
    return PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0]


def _stamp(width: float, height: float, text: str) -> PageObject:
    """A transparent page of the given size with the stamp line at its foot."""
    pdf = FPDF(unit="pt", format=(width, height))
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_font("helvetica", size=7)
    pdf.set_text_color(160, 0, 0)
    pdf.set_xy(18, height - 16)
    pdf.cell(width - 36, 10, text)
    return PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0]


def book(pack: Pack, content: PackManifest, storage: Storage) -> bytes:
    """The whole PDF book."""
    assert isinstance(pack.generated_at, datetime)
    printed = (
        f"controlled copy - printed {pack.generated_at:%Y-%m-%d %H:%M} UTC by {pack.user.username}"
    )
    docs = pack.documents()
    readers = [_printout(d, storage) if d.row else None for d in docs]
    rows = [(d, len(r.pages) if r else 1) for d, r in zip(docs, readers, strict=True)]
    cover_pages = 1
    while True:  # the index's page numbers depend on how long the index itself is
        cover = PdfReader(io.BytesIO(_cover(pack, content, rows, cover_pages)))
        if len(cover.pages) == cover_pages:
            break
        cover_pages = len(cover.pages)
    writer = PdfWriter()
    stamps: dict[tuple[float, float, str], PageObject] = {}

    def add(page: PageObject, label: str) -> None:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        key = (width, height, label)
        if key not in stamps:
            stamps[key] = _stamp(width, height, f"{label} - {printed}")
        # pypdf merges only into pages the writer owns: add first, then stamp the copy
        writer.add_page(page).merge_page(stamps[key])

    for page in cover.pages:
        add(page, f"{content.routing_code} v{content.routing_version}")
    for doc, reader in zip(docs, readers, strict=True):
        label = f"{_number(doc)} rev {doc.row.revision if doc.row else 'missing'}"
        for page in reader.pages if reader else [_placeholder(doc)]:
            add(page, label)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
