"""Document-pack test data, built through the services (the subject is the pack).

PUMP (Released) with routing RT-PUMP (released): op 10 Machine, op 20 Assemble.
Links: DRW (routing, inherit)  ·  OLD-NOTE (routing, no inherit)  ·  SECRET (routing, hidden)
       INSTR (op 20)  ·  DRAFT-SPEC (op 10, never released)
PUMP links DATASHEET as a part document. Printouts: DRW 2 pages, INSTR 1 page, others none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from fpdf import FPDF

from tests.helpers import release_four_eyes
from yuantus.core.db import Database
from yuantus.file.samples import pdf_printout
from yuantus.identity.models import User
from yuantus.item import documents
from yuantus.item import service as item_service
from yuantus.manufacturing import routing_service, workcenter_service
from yuantus.workorder_doc import service
from yuantus.workorder_doc.schemas import LinkWrite

API = "/api/v1"
Client = Callable[[str], TestClient]


def two_pages(number: str) -> bytes:
    """A two-page PDF whose pages name the document."""
    pdf = FPDF(format="A4")
    pdf.set_font("helvetica", size=12)
    for page in (1, 2):
        pdf.add_page()
        pdf.cell(0, 10, f"{number} sheet {page}")
    return bytes(pdf.output())


@dataclass(frozen=True)
class Shop:
    """Ids by number (items) and by name (routing, operations)."""

    ids: dict[str, str]


def upload(c: TestClient, item_id: str, name: str, data: bytes, role: str) -> str:
    response = c.post(
        f"{API}/items/{item_id}/files", files={"file": (name, data)}, data={"role": role}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["file_id"])


@pytest.fixture
def shop(database: Database, users: dict[str, User], as_user: Client) -> Shop:
    eng = as_user("engineer")
    with database.scope() as s:
        made = {
            n: item_service.create(s, "Document", f"{n.title()} document", item_number=n)
            for n in ("DRW", "OLD-NOTE", "SECRET", "INSTR", "DRAFT-SPEC", "DATASHEET")
        }
        made["PUMP"] = item_service.create(s, "Part", "Pump", item_number="PUMP")
        ids = {n: i.id for n, i in made.items()}
    upload(eng, ids["DRW"], "DRW.pdf", two_pages("DRW"), "printout")
    upload(eng, ids["DRW"], "DRW.step", b"ISO-10303-21; pump housing", "native")
    upload(eng, ids["INSTR"], "INSTR.pdf", pdf_printout("Instructions", "INSTR", "A"), "printout")
    with database.scope() as s:
        for n in ("DRW", "OLD-NOTE", "SECRET", "INSTR", "DATASHEET"):
            release_four_eyes(s, item_service.get(s, ids[n]))
        documents.link(s, ids["PUMP"], role="specification", document_id=ids["DATASHEET"])
        release_four_eyes(s, item_service.get(s, ids["PUMP"]))
        center = workcenter_service.create(s, "WC-1", "Cell", cost_rate=Decimal(50))
        routing = routing_service.create(s, ids["PUMP"], "RT-PUMP", "Make pump", is_primary=True)
        op10 = routing_service.add_operation(s, routing, 10, "Machine", center.id)
        op20 = routing_service.add_operation(s, routing, 20, "Assemble", center.id)
        routing_service.release(s, routing)
        ids.update(routing=routing.id, op10=op10.id, op20=op20.id)
        engineer = users["engineer"]
        for doc, op, inherit, visible in (
            ("DRW", None, True, True),
            ("OLD-NOTE", None, False, True),
            ("SECRET", None, True, False),
            ("INSTR", "op20", True, True),
            ("DRAFT-SPEC", "op10", True, True),
        ):
            service.upsert_link(
                s,
                LinkWrite(
                    routing_id=routing.id,
                    operation_id=ids[op] if op else None,
                    document_item_id=ids[doc],
                    inherit_to_children=inherit,
                    visible_in_production=visible,
                ),
                engineer,
            )
    return Shop(ids)
