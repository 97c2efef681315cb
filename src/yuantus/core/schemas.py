"""Pydantic base classes and the list envelope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from yuantus.core.pagination import PageParams

T = TypeVar("T")


class Schema(BaseModel):
    """Base for request bodies: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class PatchSchema(Schema):
    """Base for PATCH bodies: omitted fields stay; null is allowed only where a field clears."""

    clearable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _refuse_null_for_required(self) -> Self:
        """An explicit null for a field that cannot be empty is an error, not a silent no-op."""
        nulls = sorted(
            f for f in self.model_fields_set if getattr(self, f) is None and f not in self.clearable
        )
        if nulls:
            raise ValueError(
                f"{', '.join(nulls)} cannot be null; omit a field to keep its current value"
            )
        return self


class ReadSchema(BaseModel):
    """Base for answers built from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    """A page of a list: {"items": [...], "total": N, "limit": L, "offset": O}."""

    items: list[T]
    total: int = Field(description="rows matching the filters, over all pages")
    limit: int = Field(description="the page size asked for")
    offset: int = Field(description="rows skipped before this page")

    @classmethod
    def of(cls, items: Sequence[T], total: int, page: PageParams) -> Page[T]:
        """The envelope of one page of rows."""
        return cls(items=list(items), total=total, limit=page.limit, offset=page.offset)


class WithWarnings(BaseModel):
    """Mixin of transition answers: what hooks reported without refusing the change."""

    warnings: list[str] = Field(
        default_factory=list, description="messages from hooks that did not block the change"
    )
