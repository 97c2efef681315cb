"""Pydantic base classes and the list envelope."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class Schema(BaseModel):
    """Base for request bodies: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class ReadSchema(BaseModel):
    """Base for answers built from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    """A page of a list: {"items": [...], "total": N}."""

    items: list[T]
    total: int
