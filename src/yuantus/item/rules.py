"""Input rules and the domain errors of items, shared by the item service modules."""

from __future__ import annotations

from yuantus.core.errors import BadRequest, Conflict, not_found
from yuantus.item.models import ITEM_TYPES, STATES, Item


def number_not_found(item_type: str, item_number: str, revision: str | None) -> Exception:
    """A 404 naming the number (and revision) that was looked up."""
    err = not_found("item", f"{item_type} {item_number}" + (f" rev {revision}" if revision else ""))
    err.context.update(item_type=item_type, item_number=item_number, revision=revision)
    return err


def clean_name(name: str) -> str:
    """The stripped name; 400 empty_name when nothing is left."""
    cleaned = name.strip()
    if not cleaned:
        raise BadRequest("the name is empty", code="empty_name")
    return cleaned


def number_taken(item_type: str, number: str) -> Conflict:
    """409 item_number_taken."""
    return Conflict(
        f"{item_type} number {number} is taken",
        code="item_number_taken",
        context={"item_type": item_type, "item_number": number},
    )


def revision_in_progress(source: Item) -> Conflict:
    """409 revision_in_progress: the item already has an open revision."""
    return Conflict(
        f"{source.item_number} already has a revision in progress",
        code="revision_in_progress",
        context={"config_id": source.config_id},
    )


def check_type(item_type: str) -> None:
    """400 unknown_item_type."""
    if item_type not in ITEM_TYPES:
        raise BadRequest(
            f"unknown item type {item_type!r}",
            code="unknown_item_type",
            context={"allowed": list(ITEM_TYPES)},
        )


def check_state(state: str) -> None:
    """400 unknown_state."""
    if state not in STATES:
        raise BadRequest(
            f"unknown state {state!r}", code="unknown_state", context={"allowed": list(STATES)}
        )
