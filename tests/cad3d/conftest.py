"""3D overlay test data: parts, a model document with a GLB viewable, a drawing linked to a part.

MODEL (Document, Draft) viewable: ASSY root -> FRAME (extras item_number F-100),
  "W-200" (named like the part), "W-200" again, "bolt" (no part), "mystery" (extras X-999)
F-100 (Released) links drawing DRW-1 (Released) in role "drawing"; W-200 Released; OBS-1 Obsolete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import release_four_eyes
from yuantus.core.db import Database
from yuantus.file.samples import ModelNode, glb_model
from yuantus.identity.models import User
from yuantus.item import documents
from yuantus.item import service as item_service

API = "/api/v1"
Client = Callable[[str], TestClient]


@dataclass(frozen=True)
class Model:
    """Ids by number, and the viewable file's id."""

    ids: dict[str, str]
    file_id: str


def glb() -> bytes:
    """The test model."""
    return glb_model(
        "ASSY",
        [
            ModelNode("FRAME", extras={"item_number": "F-100"}),
            ModelNode("W-200"),
            ModelNode("w-200 "),
            ModelNode("bolt"),
            ModelNode("mystery", extras={"item_number": "X-999"}),
        ],
    )


@pytest.fixture
def model(database: Database, users: dict[str, User], as_user: Client) -> Model:
    with database.scope() as s:
        drawing = item_service.create(s, "Document", "Frame drawing", item_number="DRW-1")
        release_four_eyes(s, drawing)
        frame = item_service.create(s, "Part", "Frame", item_number="F-100")
        documents.link(s, frame.id, role="drawing", document_id=drawing.id)
        release_four_eyes(s, frame)
        wheel = item_service.create(s, "Part", "Wheel", item_number="W-200")
        release_four_eyes(s, wheel)
        obsolete = item_service.create(s, "Part", "Old bracket", item_number="OBS-1")
        release_four_eyes(s, obsolete)
        item_service.transition(s, obsolete, "obsolete", users["engineer"])
        doc = item_service.create(s, "Document", "Assembly model", item_number="MODEL")
        ids = {i.item_number: i.id for i in (drawing, frame, wheel, obsolete, doc)}
    upload = as_user("engineer").post(
        f"{API}/items/{ids['MODEL']}/files",
        files={"file": ("assy.glb", glb(), "model/gltf-binary")},
        data={"role": "viewable"},
    )
    assert upload.status_code == 201, upload.text
    return Model(ids, upload.json()["file_id"])


def overlay_body(model: Model, roles: list[str], **fields: Any) -> dict[str, Any]:
    """An overlay of the model document mapping FRAME and the obsolete bracket."""
    return {
        "document_item_id": model.ids["MODEL"],
        "visibility_roles": roles,
        "components": [
            {"component_ref": "ASSY/FRAME", "item_id": model.ids["F-100"], "label": "Frame"},
            {"component_ref": "ASSY/OLD", "item_id": model.ids["OBS-1"]},
        ],
        **fields,
    }
