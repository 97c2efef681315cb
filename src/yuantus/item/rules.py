"""Input rules and the domain errors of items, shared by the item service modules."""

from __future__ import annotations

from yuantus.core.errors import Conflict, InvalidState, Unprocessable, not_found
from yuantus.identity.models import User
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


def ensure_four_eyes(item: Item, user: User | None) -> None:
    """409 four_eyes_required unless an approver other than the submitter releases directly."""
    if user is None:
        reason, message = "releasing_user_unknown", "a direct release must name its approver"
    elif not user.has_role("approver"):
        reason, message = "approver_role_required", "a direct release needs the approver role"
    elif item.submitted_by == user.id:
        reason, message = "submitter_cannot_release", "the submitter cannot also release"
    else:
        return
    raise InvalidState(
        f"{message} ({item.item_number} rev {item.revision}); "
        "release through an ECO or ask another approver",
        code=codes.FOUR_EYES_REQUIRED,
        context={
            "item_id": item.id,
            "reason": reason,
            "submitted_by": item.submitted_by,
            "user_id": user.id if user else None,
        },
    )
