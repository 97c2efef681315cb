"""The item demo: a real product with generated printouts and a model, idempotent."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuantus.core.settings import Settings
from yuantus.demo import DemoContext
from yuantus.file import service as file_service
from yuantus.file.models import FileObject
from yuantus.file.samples import glb_node_names
from yuantus.file.storage import get_storage
from yuantus.identity import demo as identity_demo
from yuantus.item import demo, documents, service


def _run(session: Session, settings: Settings) -> DemoContext:
    ctx = DemoContext(objects={"settings": settings})
    identity_demo.load(session, ctx)
    demo.load(session, ctx)
    session.commit()
    return ctx


def test_demo_builds_released_parts_draft_assemblies_and_files(
    session: Session, settings: Settings
) -> None:
    ctx = _run(session, settings)
    parts = ctx.objects["parts"]
    assert ctx.objects["product"].item_number == "BIKE-1000"
    assert {n for n, p in parts.items() if p.state == "Draft"} == set(demo.ASSEMBLIES)
    assert {n for n, p in parts.items() if p.state == "Released"} == set(demo.LEAF_PARTS)
    assert ctx.objects["assemblies_to_release"] == list(demo.ASSEMBLIES)
    docs = ctx.objects["documents"]
    assert (docs["DOC-1000"].state, docs["DOC-1100"].state) == ("Released", "InReview")
    # four eyes: the engineer submitted, the approver released
    assert (docs["DOC-1000"].submitted_by_name, docs["DOC-1000"].released_by_name) == (
        "engineer",
        "approver",
    )
    product_links = documents.list_links(session, ctx.objects["product"].id)
    assert [(link.document_config_id, link.role) for link in product_links] == [
        (docs["DOC-1000"].config_id, "drawing"),
        (docs["DOC-1000"].config_id, "model"),
    ]

    storage = get_storage(settings)
    links = {link.role: link for link in file_service.list_links(session, docs["DOC-1000"].id)}
    assert set(links) == {"printout", "viewable"}
    pdf = b"".join(file_service.iter_content(storage, links["printout"].file))
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Bicycle assembly drawing" in text
    assert "DOC-1000" in text
    model = file_service.open_content(storage, links["viewable"].file).read()
    assert links["viewable"].file.content_type == "model/gltf-binary"
    names = glb_node_names(model)
    assert names[0] == "BIKE-1000"
    assert set(names[1:]) <= set(parts)
    assert names.count("WHEEL-2100") == 2
    for number in demo.LEAF_PARTS:
        printouts = file_service.list_links(session, parts[number].id)
        assert [link.role for link in printouts] == ["printout"]


def test_demo_is_idempotent(session: Session, settings: Settings) -> None:
    _run(session, settings)
    files_before = session.scalar(select(func.count()).select_from(FileObject))
    ctx = _run(session, settings)
    assert session.scalar(select(func.count()).select_from(FileObject)) == files_before
    assert "(exist)" in ctx.report[-2]
    # the demo shows the search on its own data (hand-checked: the two Al 6061-T6 parts)
    assert (
        ctx.report[-1] == "  search: q=6061 finds FRAME-2000, TUBE-3001; prop.make_buy=buy: 5 parts"
    )
    product = service.get_by_number(session, "Part", "BIKE-1000")
    assert ctx.objects["product"].id == product.id
    assert len(service.list_revisions(session, product.config_id)) == 1
    assert len(documents.list_links(session, product.id)) == 2
