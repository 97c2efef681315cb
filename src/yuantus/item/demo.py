"""Demo items: the bicycle's parts and documents, with generated PDF printouts and a GLB model.

The assemblies (BIKE-1000, FRAME-2000, WHEEL-2100, HUB-3103) stay Draft here: the BOM demo
adds their lines and then releases them, leaves first. The leaf parts and the assembly
drawing are released (submitted by the engineer, released by the approver); the bicycle
links the drawing as its drawing and model. The wheel truing procedure waits in review,
linked to nothing, so no part waits for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from yuantus.core.errors import NotFound
from yuantus.core.pagination import PageParams
from yuantus.core.settings import Settings
from yuantus.file import service as file_service
from yuantus.file.samples import ModelNode, glb_model, pdf_printout
from yuantus.file.storage import Storage, get_storage
from yuantus.item import documents, listing, service
from yuantus.item.models import Item

if TYPE_CHECKING:
    from yuantus.core.demo import DemoContext

PRODUCT = "BIKE-1000"
# number -> (name, properties); assemblies are left Draft for the BOM demo
ASSEMBLIES: dict[str, tuple[str, dict[str, Any]]] = {
    "BIKE-1000": ("Demo bicycle", {"make_buy": "make", "mass_kg": 11.2}),
    "FRAME-2000": ("Frame assembly", {"make_buy": "make", "material": "Al 6061-T6"}),
    "WHEEL-2100": ("Wheel assembly", {"make_buy": "make", "size": "700c"}),
    "HUB-3103": ("Hub assembly", {"make_buy": "make"}),
}
LEAF_PARTS: dict[str, tuple[str, dict[str, Any]]] = {
    "SEAT-2200": ("Saddle", {"make_buy": "buy", "vendor": "Selle Demo"}),
    "TUBE-3001": ("Frame tube", {"make_buy": "make", "material": "Al 6061-T6", "od_mm": 35}),
    "BOLT-3002": ("M6 x 20 bolt", {"make_buy": "buy", "standard": "ISO 4762", "uom": "EA"}),
    "SPOKE-3101": ("Spoke 2 mm", {"make_buy": "buy", "length_mm": 292}),
    "RIM-3102": ("Rim 622 mm", {"make_buy": "buy", "erd_mm": 602}),
    "BEARING-4001": ("Cartridge bearing 6001", {"make_buy": "buy", "standard": "6001-2RS"}),
    "AXLE-4002": ("Hub axle", {"make_buy": "make", "material": "Cr-Mo steel"}),
}
DRAWING = "DOC-1000"
# the roles in which the product links the drawing (a released document, so it can release)
DRAWING_ROLES = ("drawing", "model")
PROCEDURE = "DOC-1100"
# top-level instances in the model: node name = the part number it shows
MODEL_NODES = (
    ModelNode("FRAME-2000", (0.0, 0.55, 0.0), (1.0, 0.08, 0.06), {"item_number": "FRAME-2000"}),
    ModelNode("WHEEL-2100", (-0.52, 0.34, 0.0), (0.68, 0.68, 0.03), {"item_number": "WHEEL-2100"}),
    ModelNode("WHEEL-2100", (0.52, 0.34, 0.0), (0.68, 0.68, 0.03), {"item_number": "WHEEL-2100"}),
    ModelNode("SEAT-2200", (-0.25, 0.95, 0.0), (0.26, 0.05, 0.14), {"item_number": "SEAT-2200"}),
)


def load(session: Session, ctx: DemoContext) -> None:
    """Create the demo items and their files once; later runs only look them up."""
    settings = ctx.objects.get("settings") or Settings()
    storage = get_storage(settings)
    engineer, approver = ctx.users.get("engineer"), ctx.users.get("approver")
    created: list[str] = []

    def item(item_type: str, number: str, name: str, props: dict[str, Any]) -> Item:
        try:
            return service.get_by_number(session, item_type, number)
        except NotFound:
            created.append(number)
            return service.create(
                session, item_type, name, item_number=number, properties=props, user=engineer
            )

    parts: dict[str, Item] = {}
    for number, (name, props) in {**ASSEMBLIES, **LEAF_PARTS}.items():
        parts[number] = item("Part", number, name, props)
        if number in created:
            printout = pdf_printout(name, number, "A", _rows(props), "Demo data.")
            _attach(session, storage, parts[number], f"{number}.pdf", printout, "printout", ctx)
    product = parts[PRODUCT]
    if PRODUCT in created:
        _attach(session, storage, product, f"{PRODUCT}.glb", _model(), "viewable", ctx)

    drawing = item("Document", DRAWING, "Bicycle assembly drawing", {"sheet": "A3", "scale": "1:5"})
    if DRAWING in created:
        rows = [(node.name, "see model") for node in MODEL_NODES]
        pdf = pdf_printout("Bicycle assembly drawing", DRAWING, "A", rows, "General arrangement.")
        _attach(session, storage, drawing, f"{DRAWING}.pdf", pdf, "printout", ctx)
        _attach(session, storage, drawing, f"{DRAWING}.glb", _model(), "viewable", ctx)
    procedure = item("Document", PROCEDURE, "Wheel truing procedure", {"kind": "work instruction"})
    if PROCEDURE in created:
        steps = "1. Mount the wheel in the stand.\n2. True laterally to 0.3 mm.\n3. Tension check."
        pdf = pdf_printout("Wheel truing procedure", PROCEDURE, "A", (), steps)
        _attach(session, storage, procedure, f"{PROCEDURE}.pdf", pdf, "printout", ctx)

    if PRODUCT in created:
        # the drawing's PDF is the bicycle's drawing, its GLB the bicycle's model
        for role in DRAWING_ROLES:
            documents.link(session, product.id, role=role, document_id=drawing.id, user=engineer)
    # four eyes: the engineer submits, the approver releases
    for released in (*(parts[n] for n in LEAF_PARTS), drawing):
        if released.item_number in created:
            service.transition(session, released, "submit", engineer)
            service.transition(session, released, "release", approver)
    if PROCEDURE in created:
        service.transition(session, procedure, "submit", engineer)

    ctx.objects["product"] = product
    ctx.objects["parts"] = parts
    ctx.objects["documents"] = {DRAWING: drawing, PROCEDURE: procedure}
    # the BOM demo adds lines to these Draft assemblies and then releases them
    ctx.objects["assemblies_to_release"] = list(ASSEMBLIES)
    ctx.report.append(
        f"  items: {len(parts)} parts, 2 documents "
        + (f"({len(created)} created)" if created else "(exist)")
    )
    # what `GET /items?q=6061` and `?prop.make_buy=buy` answer on this data
    found, _ = listing.list_items(session, PageParams(limit=10), q="6061")
    _, bought = listing.list_items(session, PageParams(limit=1), properties=[("make_buy", "buy")])
    ctx.report.append(
        f"  search: q=6061 finds {', '.join(i.item_number for i in found)}; "
        f"prop.make_buy=buy: {bought} parts"
    )


def _rows(props: dict[str, Any]) -> list[tuple[str, str]]:
    return [(key.replace("_", " "), str(value)) for key, value in props.items()]


def _model() -> bytes:
    return glb_model(PRODUCT, MODEL_NODES)


def _attach(
    session: Session,
    storage: Storage,
    item: Item,
    filename: str,
    content: bytes,
    role: str,
    ctx: DemoContext,
) -> None:
    user = ctx.users.get("engineer")
    file_obj = file_service.store_bytes(session, storage, filename, None, content, user)
    file_service.attach(session, item, file_obj, role, user)
