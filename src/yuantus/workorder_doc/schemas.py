"""Request and answer shapes of work-order document links, packs and the export log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from yuantus.core.schemas import Schema

ExportFormat = Literal["zip", "json", "pdf"]


class LinkWrite(Schema):
    """A document for a routing (no operation) or for one operation; upserted."""

    routing_id: str = Field(max_length=36)
    operation_id: str | None = Field(default=None, max_length=36)
    document_item_id: str = Field(max_length=36, description="any revision of the document")
    inherit_to_children: bool = Field(
        default=True, description="a routing-level link also reaches every operation"
    )
    visible_in_production: bool = Field(default=True, description="false: never in a pack")
    sequence: int = Field(default=10, ge=0, le=100_000)


class LinkRead(BaseModel):
    """A link with the document's number and name, and where it comes from."""

    id: str
    routing_id: str
    routing_code: str
    operation_id: str | None
    operation_number: int | None
    document_config_id: str
    document_number: str
    document_name: str
    inherit_to_children: bool
    visible_in_production: bool
    sequence: int
    inherited: bool = Field(description="true: a routing-level link reaching this operation")
    created_by: str | None
    created_by_name: str | None
    created_at: datetime


class PackFile(BaseModel):
    """One file of a document revision in a pack."""

    filename: str
    role: str
    size: int
    sha256: str


class PackDocument(BaseModel):
    """A document in a pack at the revision the rule chose (or `missing`)."""

    document_config_id: str
    item_number: str
    name: str
    revision: str | None
    state: str | None
    status: Literal["ok", "missing"]
    source: Literal["operation", "routing", "part"]
    files: list[PackFile]


class PackSection(BaseModel):
    """The documents of the routing itself, or of one operation."""

    operation_id: str | None
    operation_number: int | None
    operation_name: str | None
    documents: list[PackDocument]


class PackManifest(BaseModel):
    """What a pack holds: the `json` export and `manifest.json` in the zip."""

    export_id: str
    routing_id: str
    routing_code: str
    routing_version: int
    operation_id: str | None
    workorder_id: str | None
    workorder_number: str | None
    generated_at: datetime
    generated_by: str | None
    rule: dict[str, Any]
    sections: list[PackSection]


class ExportItemRead(BaseModel):
    """A document revision handed out in an export."""

    document_config_id: str
    item_number: str
    revision: str | None
    files: list[dict[str, Any]]


class ExportRead(BaseModel):
    """One controlled copy: who, when, for which order/routing/operation, what it held."""

    id: str
    workorder_id: str | None
    workorder_number: str | None
    routing_id: str
    routing_code: str
    operation_id: str | None
    export_format: str
    rule: dict[str, Any]
    generated_by: str | None
    generated_by_name: str | None
    generated_at: datetime
    documents: list[ExportItemRead]
