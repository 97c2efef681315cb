"""Read a document's viewable glTF/GLB and map its nodes to parts (extras first, then names)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pygltflib
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuantus.cad3d import codes
from yuantus.cad3d.models import normalized_ref
from yuantus.cad3d.schemas import ExtractedNode
from yuantus.core.errors import InvalidState, Unprocessable
from yuantus.file import service as file_service
from yuantus.file.models import FileObject, ItemFile
from yuantus.file.storage import Storage
from yuantus.item.models import Item

# a model's metadata, not its geometry: refuse to parse what cannot be a sane overlay source
MAX_MODEL_BYTES = 256 * 1024 * 1024
EXTRAS_KEYS = ("item_number", "part_number", "partNumber", "plm_number")


@dataclass(frozen=True)
class Node:
    """A node of the scene tree with its path from the root."""

    index: int
    name: str | None
    path: str
    extras_number: str | None


def viewable_of(session: Session, document_id: str) -> FileObject:
    """The document's newest `viewable` file; 409 no_viewable_file when it has none."""
    link = session.scalar(
        select(ItemFile)
        .where(ItemFile.item_id == document_id, ItemFile.role == "viewable")
        .order_by(ItemFile.created_at.desc(), ItemFile.id.desc())
        .limit(1)
    )
    if link is None:
        raise InvalidState(
            "the document has no viewable file to extract components from",
            code=codes.NO_VIEWABLE,
            context={"document_item_id": document_id},
        )
    return link.file


def _load(data: bytes) -> pygltflib.GLTF2:
    """Parse GLB or glTF JSON; 422 not_gltf for anything else."""
    try:
        if data[:4] == b"glTF":
            return pygltflib.GLTF2.load_from_bytes(data)
        parsed = json.loads(data)
        if not isinstance(parsed, dict) or "asset" not in parsed:
            raise ValueError("no asset")
        return pygltflib.GLTF2.from_json(data.decode())
    except Exception as exc:  # pygltflib raises many kinds on garbage
        raise Unprocessable(
            "the viewable file is not a glTF or GLB model",
            code=codes.NOT_GLTF,
            context={"reason": f"{type(exc).__name__}: {exc}"[:300]},
        ) from exc


def _extras_number(extras: Any) -> str | None:
    if isinstance(extras, dict):
        for key in EXTRAS_KEYS:
            value = extras.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def walk(gltf: pygltflib.GLTF2) -> list[Node]:
    """Every node reachable from the scenes, depth first, with `Parent/Child` paths."""
    out: list[Node] = []
    roots = [n for scene in gltf.scenes for n in (scene.nodes or [])] or list(
        range(len(gltf.nodes))
    )
    stack = [(index, "") for index in reversed(roots)]
    seen: set[int] = set()
    while stack:
        index, parent = stack.pop()
        if index in seen or not 0 <= index < len(gltf.nodes):
            continue  # a malformed file may loop or point past the node list
        seen.add(index)
        node = gltf.nodes[index]
        label = node.name or f"node{index}"
        path = f"{parent}/{label}" if parent else label
        out.append(Node(index, node.name, path, _extras_number(node.extras)))
        stack.extend((child, path) for child in reversed(node.children or []))
    return out


def extract(
    session: Session, storage: Storage, document_id: str
) -> tuple[FileObject, list[ExtractedNode], list[ExtractedNode]]:
    """Map the viewable model's nodes to existing parts; (file, matched, unmatched)."""
    file_obj = viewable_of(session, document_id)
    if file_obj.size > MAX_MODEL_BYTES:
        raise Unprocessable("the model is too large to read", code=codes.NOT_GLTF)
    with file_service.open_content(storage, file_obj) as stream:
        nodes = walk(_load(stream.read()))
    wanted = {
        n.casefold() for node in nodes for n in (node.extras_number, node.name) if n and n.strip()
    }
    parts: dict[str, Item] = {}
    if wanted:
        rows = session.scalars(
            select(Item).where(
                Item.is_current,
                Item.item_type == "Part",
                func.lower(Item.item_number).in_(sorted(wanted)),
            )
        )
        parts = {row.item_number.casefold(): row for row in rows}
    matched: list[ExtractedNode] = []
    unmatched: list[ExtractedNode] = []
    refs: set[str] = set()
    for node in nodes:
        # refs are the node paths; a repeated path (two wheels) gets the node's index
        ref = node.path if normalized_ref(node.path) not in refs else f"{node.path}#{node.index}"
        refs.add(normalized_ref(ref))
        by_extras = parts.get(node.extras_number.casefold()) if node.extras_number else None
        by_name = parts.get(node.name.strip().casefold()) if node.name else None
        part = by_extras or by_name
        if part is None:
            reason = (
                f"no part {node.extras_number}" if node.extras_number else "no part with that name"
            )
            unmatched.append(
                ExtractedNode(
                    node_path=node.path, node_name=node.name, component_ref=ref, reason=reason
                )
            )
            continue
        matched.append(
            ExtractedNode(
                node_path=node.path,
                node_name=node.name,
                component_ref=ref,
                item_number=part.item_number,
                item_config_id=part.config_id,
                matched_by="extras" if by_extras is not None else "name",
            )
        )
    return file_obj, matched, unmatched
