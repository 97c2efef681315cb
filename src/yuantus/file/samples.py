"""Generated sample content: PDF printouts (fpdf2) and GLB models (pygltflib)."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pygltflib
from fpdf import FPDF

# a unit cube: 8 corners, 12 triangles
_CUBE_POSITIONS = [(x, y, z) for x in (-0.5, 0.5) for y in (-0.5, 0.5) for z in (-0.5, 0.5)]
_CUBE_TRIANGLES = [
    (0, 1, 3), (0, 3, 2), (4, 6, 7), (4, 7, 5), (0, 4, 5), (0, 5, 1),
    (2, 3, 7), (2, 7, 6), (0, 2, 6), (0, 6, 4), (1, 5, 7), (1, 7, 3),
]  # fmt: skip


def _latin1(text: str) -> str:
    """Text the PDF core fonts can draw (they cover Latin-1 only)."""
    return text.encode("latin-1", "replace").decode("latin-1")


def pdf_printout(
    title: str,
    item_number: str,
    revision: str,
    rows: Sequence[tuple[str, str]] = (),
    notes: str = "",
) -> bytes:
    """A one-page A4 printout: title block, a key/value table and notes."""
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(f"{item_number} rev {revision} {title}"))
    pdf.set_creator("Yuantus PLM")
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=18)
    pdf.cell(0, 12, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 8, _latin1(f"{item_number}   revision {revision}"), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, f"Printed {date.today().isoformat()}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if rows:
        with pdf.table(col_widths=(60, 120), text_align="LEFT") as table:
            for key, value in (("Property", "Value"), *rows):
                row = table.row()
                row.cell(_latin1(key))
                row.cell(_latin1(value))
    if notes:
        pdf.ln(6)
        pdf.multi_cell(0, 6, _latin1(notes))
    return bytes(pdf.output())


@dataclass
class ModelNode:
    """A named box in a sample model, placed at translation with a scale."""

    name: str
    translation: tuple[float, float, float] = (0.0, 0.0, 0.0)
    scale: tuple[float, float, float] = (1.0, 1.0, 1.0)
    extras: dict[str, Any] = field(default_factory=dict)


def glb_model(root_name: str, nodes: Sequence[ModelNode]) -> bytes:
    """A binary glTF: a root node whose children are named boxes sharing one cube mesh."""
    positions = b"".join(struct.pack("<3f", *p) for p in _CUBE_POSITIONS)
    indices = b"".join(struct.pack("<3H", *t) for t in _CUBE_TRIANGLES)
    blob = indices + positions  # indices first: both stay 4-byte aligned
    children = [
        pygltflib.Node(
            name=node.name,
            mesh=0,
            translation=list(node.translation),
            scale=list(node.scale),
            extras=dict(node.extras),
        )
        for node in nodes
    ]
    root = pygltflib.Node(name=root_name, children=list(range(1, len(children) + 1)))
    gltf = pygltflib.GLTF2(
        asset=pygltflib.Asset(generator="Yuantus PLM samples", version="2.0"),
        scene=0,
        scenes=[pygltflib.Scene(name=root_name, nodes=[0])],
        nodes=[root, *children],
        meshes=[
            pygltflib.Mesh(
                name="box",
                primitives=[
                    pygltflib.Primitive(attributes=pygltflib.Attributes(POSITION=1), indices=0)
                ],
            )
        ],
        accessors=[
            pygltflib.Accessor(
                bufferView=0,
                componentType=pygltflib.UNSIGNED_SHORT,
                count=len(_CUBE_TRIANGLES) * 3,
                type=pygltflib.SCALAR,
                max=[len(_CUBE_POSITIONS) - 1],
                min=[0],
            ),
            pygltflib.Accessor(
                bufferView=1,
                componentType=pygltflib.FLOAT,
                count=len(_CUBE_POSITIONS),
                type=pygltflib.VEC3,
                max=[0.5, 0.5, 0.5],
                min=[-0.5, -0.5, -0.5],
            ),
        ],
        bufferViews=[
            pygltflib.BufferView(
                buffer=0,
                byteOffset=0,
                byteLength=len(indices),
                target=pygltflib.ELEMENT_ARRAY_BUFFER,
            ),
            pygltflib.BufferView(
                buffer=0,
                byteOffset=len(indices),
                byteLength=len(positions),
                target=pygltflib.ARRAY_BUFFER,
            ),
        ],
        buffers=[pygltflib.Buffer(byteLength=len(blob))],
    )
    gltf.set_binary_blob(blob)
    return bytes(b"".join(gltf.save_to_bytes()))


def glb_node_names(data: bytes) -> list[str]:
    """The names of the nodes in a GLB, in document order."""
    gltf = pygltflib.GLTF2.load_from_bytes(data)
    return [node.name for node in gltf.nodes if node.name]
