"""Request and answer shapes of 3D overlays, component lookups and extraction."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from yuantus.core.schemas import Schema

Role = Literal["admin", "engineer", "approver", "production", "quality", "viewer"]


class ComponentWrite(Schema):
    """A component of the model: its ref (node name or path) and the part it is."""

    component_ref: str = Field(min_length=1, max_length=300)
    item_id: str = Field(max_length=36, description="any revision of the part")
    label: str | None = Field(default=None, max_length=200)
    properties: dict[str, Any] = Field(default_factory=dict)


class OverlayWrite(Schema):
    """An overlay, upserted by document revision."""

    document_item_id: str = Field(max_length=36)
    version_label: str | None = Field(default=None, max_length=64)
    status: Literal["active", "draft", "archived"] = "active"
    visibility_roles: list[Role] = Field(description="empty: any signed-in user")
    components: list[ComponentWrite] | None = Field(
        default=None, max_length=20_000, description="omit to keep the current components"
    )
    properties: dict[str, Any] = Field(default_factory=dict)


class ComponentRead(BaseModel):
    """A stored component mapping with its part's number."""

    component_ref: str
    item_config_id: str
    item_number: str | None
    label: str | None
    properties: dict[str, Any]


class OverlayRead(BaseModel):
    """An overlay with its document's number, revision and name."""

    id: str
    document_item_id: str
    document_number: str
    document_revision: str
    document_name: str
    version_label: str | None
    status: str
    visibility_roles: list[str]
    components: list[ComponentRead]
    properties: dict[str, Any]
    created_by: str | None
    created_by_name: str | None
    created_at: datetime
    updated_at: datetime


class LiveItem(BaseModel):
    """A part revision as it is now in the PLM."""

    item_id: str
    config_id: str
    item_number: str
    revision: str
    state: str
    name: str


class LinkedDocument(BaseModel):
    """A document linked to the part, at its revision under the same rule."""

    role: str
    document_config_id: str
    item_number: str
    revision: str | None
    state: str | None
    name: str


class ComponentLookup(BaseModel):
    """What a viewer's side panel shows for a clicked component."""

    component_ref: str
    label: str | None
    status: Literal["ok", "no_revision_under_rule", "obsolete", "item_missing"]
    rule: dict[str, Any]
    item: LiveItem | None
    current: LiveItem | None = Field(description="the current revision, whatever the rule")
    documents: list[LinkedDocument]


class ResolveRequest(Schema):
    """Many refs at once (a viewer resolving a whole tree)."""

    refs: list[str] = Field(min_length=1, description="up to 5,000 refs")


class ResolveResult(BaseModel):
    """The lookups of the known refs, and the refs the overlay does not know."""

    rule: dict[str, Any]
    resolved: list[ComponentLookup]
    unknown: list[str]


class ExtractedNode(BaseModel):
    """A model node and the part it maps to (or why it maps to none)."""

    node_path: str
    node_name: str | None
    component_ref: str
    item_number: str | None = None
    item_config_id: str | None = None
    matched_by: Literal["extras", "name"] | None = None
    reason: str | None = None


class ExtractResult(BaseModel):
    """What the model's node tree says, and whether it was written into the overlay."""

    document_item_id: str
    file_id: str
    matched: list[ExtractedNode]
    unmatched: list[ExtractedNode]
    applied: bool
