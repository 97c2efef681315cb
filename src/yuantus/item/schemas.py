"""Request and answer shapes of the item endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

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


class LifecycleRequest(Schema):
    """A lifecycle transition: submit, reject, release or obsolete."""

    transition: Annotated[str, StringConstraints(min_length=1, max_length=32)]


class ItemRead(ReadSchema):
    """One revision of a Part or Document."""

    id: str
    config_id: str
    item_type: str
    item_number: str
    revision: str
    generation: int
    is_current: bool
    state: str
    name: str
    description: str | None
    properties: dict[str, Any]
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    released_at: datetime | None
    superseded_at: datetime | None
    effective_from: datetime | None


class ItemTransitionRead(ItemRead, WithWarnings):
    """An item revision after a lifecycle transition, with the warnings its hooks gave."""
