"""Request and answer shapes of the item endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from yuantus.audit.schemas import AuditEventRead
from yuantus.core.schemas import PatchSchema, ReadSchema, Schema, WithWarnings

ItemType = Literal["Part", "Document"]
ItemState = Literal["Draft", "InReview", "Released", "Superseded", "Obsolete"]
ItemNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[^/]+$")
]
ItemName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(max_length=20_000)]


class ItemCreate(Schema):
    """A new item; the number is generated (P-000001, D-000001) when omitted."""

    item_type: ItemType
    item_number: ItemNumber | None = None
    name: ItemName
    description: Description | None = None
    properties: dict[str, Any] = Field(default_factory=dict)


class ItemUpdate(PatchSchema):
    """Changes to an open (Draft or InReview) revision; properties are replaced whole."""

    name: ItemName | None = None
    description: Description | None = None
    properties: dict[str, Any] | None = None


class ItemRead(ReadSchema):
    """One revision of a Part or Document."""

    id: str
    config_id: str
    item_type: ItemType
    item_number: str
    revision: str
    generation: int
    is_current: bool
    state: ItemState
    name: str
    description: str | None
    properties: dict[str, Any]
    created_by: str | None
    created_by_name: str | None
    created_at: datetime
    updated_at: datetime
    released_at: datetime | None
    superseded_at: datetime | None
    effective_from: datetime | None
    submitted_by: str | None
    submitted_by_name: str | None
    released_by: str | None
    released_by_name: str | None


class ItemTransitionRead(ItemRead, WithWarnings):
    """An item revision after a lifecycle transition, with the warnings its hooks gave."""


DocumentRole = Literal["drawing", "specification", "model", "other"]
ItemId = Annotated[str, StringConstraints(min_length=1, max_length=36)]


class DocumentLinkCreate(Schema):
    """Link a Document to a Part revision: give the document's revision id or its config id."""

    document_id: ItemId | None = None
    document_config_id: ItemId | None = None
    role: DocumentRole

    @model_validator(mode="after")
    def _one_reference(self) -> Self:
        """Exactly one of document_id and document_config_id."""
        if (self.document_id is None) == (self.document_config_id is None):
            raise ValueError("give exactly one of document_id and document_config_id")
        return self


class DocumentRevisionRead(ReadSchema):
    """The document revision a link resolves to under the rule."""

    id: str
    item_number: str
    revision: str
    state: ItemState
    name: str


class DocumentLinkRead(Schema):
    """A part's link to a document, with the document's revision under the rule."""

    id: str
    part_id: str
    part_number: str
    part_revision: str
    part_name: str
    document_config_id: str
    document_number: str
    document_name: str
    role: str
    created_by: str | None
    created_by_name: str | None
    created_at: datetime
    unresolved: bool
    resolved: DocumentRevisionRead | None


class DocumentLinkPage(Schema):
    """A part's document links and the rule their revisions were resolved under."""

    rule: Literal["latest", "released"]
    items: list[DocumentLinkRead]
    total: int
    limit: int
    offset: int


class LinkedPartRead(Schema):
    """A part revision that links to a document, in a role."""

    link_id: str
    role: str
    part: ItemRead


class LinkedPartPage(Schema):
    """The part revisions that link to a document."""

    document_config_id: str
    document_number: str
    current_only: bool
    items: list[LinkedPartRead]
    total: int
    limit: int
    offset: int


class ItemHistoryEventRead(AuditEventRead):
    """One row of an item's history: an audit row and the revision it is about."""

    revision: str | None = None
