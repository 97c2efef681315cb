"""Input rules and the domain errors of items, shared by the item service modules."""

from __future__ import annotations

from yuantus.core.errors import Conflict, Unprocessable, not_found
from yuantus.item import codes
from yuantus.item.models import ITEM_TYPES, Item


def number_not_found(item_type: str, item_number: str, revision: str | None) -> Exception:
    """A 404 naming the number (and revision) that was looked up."""
    err = not_found("item", f"{item_type} {item_number}" + (f" rev {revision}" if revision else ""))
    err.context.update(item_type=item_type, item_number=item_number, revision=revision)
    return err


def clean_name(name: str) -> str:
    """The stripped name; 422 empty_name when nothing is left."""
    cleaned = name.strip()
    if not cleaned:
        raise Unprocessable("the name is empty", code=codes.EMPTY_NAME)
    return cleaned


def number_taken(item_type: str, number: str) -> Conflict:
    """409 item_number_taken."""
    return Conflict(
        f"{item_type} number {number} is taken",
        code=codes.ITEM_NUMBER_TAKEN,
        context={"item_type": item_type, "item_number": number},
    )


def revision_in_progress(source: Item) -> Conflict:
    """409 revision_in_progress: the item already has an open revision."""
    return Conflict(
        f"{source.item_number} already has a revision in progress",
        code=codes.REVISION_IN_PROGRESS,
        context={"config_id": source.config_id},
    )


def check_type(item_type: str) -> None:
    """422 unknown_item_type."""
    if item_type not in ITEM_TYPES:
        raise Unprocessable(
            f"unknown item type {item_type!r}",
            code=codes.UNKNOWN_ITEM_TYPE,
            context={"allowed": list(ITEM_TYPES)},
        )
