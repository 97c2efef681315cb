"""Pydantic base classes and the list envelope."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from types import UnionType
from typing import Any, ClassVar, Generic, Self, TypeVar, Union, get_args, get_origin

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NaiveDatetime,
    Strict,
    model_validator,
)

from yuantus.core.pagination import PageParams

T = TypeVar("T")


# fields of these types (or optional ones) take only their own JSON type: no `true` as 1 day,
# no "2" as a count. Quantities are `Exact` (core/decimals) and keep taking decimal strings.
_STRICT_SCALARS = (int, float, bool)


# dates and times are ISO 8601 text: pydantic would read 0 as 1970-01-01 (a Unix time)
_TIME_TYPES = (date, datetime, AwareDatetime, NaiveDatetime)


def _only(annotation: Any, kinds: tuple[type, ...]) -> bool:
    """True for one of `kinds`, or an optional or union of them."""
    if annotation in kinds:
        return True
    if get_origin(annotation) in (Union, UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        return bool(args) and all(arg in kinds for arg in args)
    return False


def _refuse_numbers(value: Any) -> Any:
    """A date or time sent as a number is refused before pydantic reads it as a Unix time."""
    if isinstance(value, int | float):
        raise ValueError("a date or time is ISO 8601 text, e.g. 2026-12-31 or 2026-12-31T08:00Z")
    return value


class Schema(BaseModel):
    """Base for request bodies: unknown fields are refused, numbers and booleans are strict.

    Strict means pydantic's strict mode for int, float and bool fields: a JSON `true` is no
    number, `"2"` no integer, `1` or `"yes"` no boolean (floats still take integers); date
    and time fields take ISO 8601 text, not a number. Query and path parameters are text by
    nature and stay lax.
    """

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Make the subclass's number, boolean and time fields strict (every schema, no opt-in)."""
        super().__pydantic_init_subclass__(**kwargs)
        changed = False
        for field in cls.__pydantic_fields__.values():
            if _only(field.annotation, _STRICT_SCALARS) and not any(
                isinstance(m, Strict) for m in field.metadata
            ):
                field.metadata.append(Strict())
                changed = True
            elif _only(field.annotation, _TIME_TYPES) and not any(
                isinstance(m, BeforeValidator) and m.func is _refuse_numbers for m in field.metadata
            ):
                field.metadata.append(BeforeValidator(_refuse_numbers))
                changed = True
        if changed:
            cls.model_rebuild(force=True)


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
