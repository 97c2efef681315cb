"""Demo BOM: a released 3-level bicycle; sets ctx.objects["product"] for later loaders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from yuantus.bom import service
from yuantus.core.errors import NotFound
from yuantus.item import service as item_service
from yuantus.item.models import Item

if TYPE_CHECKING:
    from yuantus.core.demo import DemoContext

PRODUCT = "BIKE-1000"
PARTS = {
    "BIKE-1000": "Demo bicycle",
    "FRAME-2000": "Frame assembly",
    "WHEEL-2100": "Wheel assembly",
    "SEAT-2200": "Saddle",
    "TUBE-3001": "Frame tube",
    "BOLT-3002": "M6 x 20 bolt",
    "SPOKE-3101": "Spoke 2 mm",
    "RIM-3102": "Rim 622 mm",
    "HUB-3103": "Hub assembly",
    "BEARING-4001": "Cartridge bearing 6001",
    "AXLE-4002": "Hub axle",
}
# parent -> (child, quantity, uom, find number), listed bottom-up
STRUCTURE = {
    "HUB-3103": [("BEARING-4001", 2, "EA", "10"), ("AXLE-4002", 1, "EA", "20")],
    "FRAME-2000": [("TUBE-3001", 3, "EA", "10"), ("BOLT-3002", 8, "EA", "20")],
    "WHEEL-2100": [
        ("SPOKE-3101", 32, "EA", "10"),
        ("RIM-3102", 1, "EA", "20"),
        ("HUB-3103", 1, "EA", "30"),
        ("BOLT-3002", 2, "EA", "40"),
    ],
    "BIKE-1000": [
        ("FRAME-2000", 1, "EA", "10"),
        ("WHEEL-2100", 2, "EA", "20"),
        ("SEAT-2200", 1, "EA", "30"),
    ],
}
# the kids' variant, loaded the way a customer would: a spreadsheet imported into a Draft
KIDS_BIKE = "BIKE-1000-K"
KIDS_SHEET = """Level,Child number,Child name,Quantity,UOM,Find number,Notes
1,FRAME-2000,,1,EA,10,
1,WHEEL-2100,,2,EA,20,
1,SEAT-2200,,1,EA,30,seat post cut to 180 mm
1,STAB-2300,Training wheel kit,1,EA,40,
2,BOLT-3002,,4,EA,10,
2,BRACKET-2301,Training wheel bracket,2,EA,20,
"""
# bottom-up: the leaves, then the assemblies in STRUCTURE order
RELEASE_ORDER = (*(n for n in PARTS if n not in STRUCTURE), *STRUCTURE)


def _part(session: Session, number: str, ctx: DemoContext) -> Item:
    """The current revision of a demo part, created when missing."""
    try:
        return item_service.get_by_number(session, "Part", number)
    except NotFound:
        return item_service.create(
            session, "Part", PARTS[number], item_number=number, user=ctx.users.get("engineer")
        )


def load(session: Session, ctx: DemoContext) -> None:
    """Build and release the demo product once; later runs only look it up."""
    parts = {number: _part(session, number, ctx) for number in PARTS}
    engineer, approver = ctx.users.get("engineer"), ctx.users.get("approver")
    for parent_number, lines in STRUCTURE.items():
        parent = parts[parent_number]
        if parent.is_frozen or service.explode_flat(session, parent, 1):
            continue
        for child_number, quantity, uom, find_num in lines:
            service.add_child(
                session,
                parent,
                parts[child_number],
                quantity,
                uom=uom,
                find_num=find_num,
                user=engineer,
            )
    # four eyes: the engineer submits, the approver releases; leaves first, so every released
    # assembly has released children
    for number in RELEASE_ORDER:
        part = parts[number]
        if part.state == "Draft":
            item_service.transition(session, part, "submit", engineer)
        if part.state == "InReview":
            item_service.transition(session, part, "release", approver)
    product = item_service.get_by_number(session, "Part", PRODUCT)
    ctx.objects["product"] = product
    ctx.objects["bom_parts"] = parts
    rows = service.explode_flat(session, product)
    ctx.report.append(
        f"  BOM: {product.item_number} rev {product.revision} ({product.state}), "
        f"{len(rows)} lines over {max(r.level for r in rows)} levels"
    )
    _load_kids_bike(session, ctx)


def _load_kids_bike(session: Session, ctx: DemoContext) -> None:
    """A Draft variant whose BOM comes from a spreadsheet, new parts created on the way."""
    from yuantus.bom import importing

    try:
        kids = item_service.get_by_number(session, "Part", KIDS_BIKE)
        ctx.report.append(f"  BOM import: {KIDS_BIKE} (exists, {kids.state})")
        return
    except NotFound:
        pass
    engineer = ctx.users.get("engineer")
    kids = item_service.create(
        session, "Part", "Kids' bicycle with training wheels", item_number=KIDS_BIKE, user=engineer
    )
    result = importing.import_bom(
        session,
        kids.id,
        KIDS_SHEET.encode("utf-8"),
        "kids-bike.csv",
        create_missing=True,
        user=engineer,
    )
    created = ", ".join(p.item_number for p in result.created_parts)
    ctx.report.append(
        f"  BOM import: {KIDS_BIKE} (Draft) from kids-bike.csv, {len(result.lines)} lines, "
        f"created {created}"
    )
