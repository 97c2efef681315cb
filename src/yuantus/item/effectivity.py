"""Effective times of revisions: scheduled releases, the switch of the current revision.

A revision released with a future effective time (an ECO with an effectivity date) is
*scheduled*: state Released, not current, `effective_from` in the future. It is the only
way a Released revision is not current, so "Released and not current" is the test for it.
The previous revision stays current until `make_effective` switches them; its
`superseded_at` is then the scheduled revision's `effective_from`, so the time ranges
[effective_from, superseded_at) of one item's revisions tile its history without gaps.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.core.db import utcnow
from yuantus.core.errors import Conflict, InvalidState
from yuantus.item import codes
from yuantus.item.models import Item


def switch_current(session: Session, item: Item, at: datetime) -> list[Item]:
    """Make the revision current as of `at`: the released one before it is Superseded then."""
    others = session.scalars(
        select(Item)
        .where(Item.config_id == item.config_id, Item.id != item.id)
        .order_by(Item.id)
        .with_for_update()
    ).all()
    superseded = []
    for other in others:
        if other.is_current:
            other.is_current = False
        if other.state == "Released":
            other.state = "Superseded"
            other.superseded_at = at
            other.updated_at = utcnow()
            superseded.append(other)
    # clear the old current flag before setting the new one: the unique index checks each row
    session.flush()
    item.state = "Released"
    item.effective_from = at
    item.is_current = True
    item.updated_at = utcnow()
    session.flush()
    return superseded


def schedule_release(item: Item, effective_from: datetime) -> None:
    """Release the revision now to take effect later: Released, not current until the switch."""
    item.state = "Released"
    item.released_at = utcnow()
    item.effective_from = effective_from


def is_scheduled(item: Item) -> bool:
    """True for a revision released to take effect later (Released, not yet current)."""
    return item.state == "Released" and not item.is_current


def scheduled_revision(session: Session, config_id: str) -> Item | None:
    """The item's revision that is released to take effect later, if any."""
    return session.scalar(
        select(Item).where(Item.config_id == config_id, Item.state == "Released", ~Item.is_current)
    )


def ensure_nothing_scheduled(session: Session, config_id: str, what: str) -> None:
    """409 revision_scheduled while a revision of the item waits for its effective time."""
    waiting = scheduled_revision(session, config_id)
    if waiting is None:
        return
    raise Conflict(
        f"cannot {what}: {waiting.item_number} rev {waiting.revision} takes effect at "
        f"{waiting.effective_from.isoformat() if waiting.effective_from else 'a later time'}; "
        "wait for it or cancel its ECO",
        code=codes.REVISION_SCHEDULED,
        context={
            "config_id": config_id,
            "scheduled_item_id": waiting.id,
            "scheduled_revision": waiting.revision,
            "effective_from": waiting.effective_from.isoformat()
            if waiting.effective_from
            else None,
        },
    )


def make_effective(session: Session, item: Item) -> list[Item]:
    """Switch a scheduled revision to current at its effective time; the revisions superseded."""
    if not is_scheduled(item) or item.effective_from is None:
        raise InvalidState(
            f"{item.item_number} rev {item.revision} is not scheduled to take effect",
            code=codes.NOT_SCHEDULED,
            context={"item_id": item.id, "state": item.state, "is_current": item.is_current},
        )
    return switch_current(session, item, item.effective_from)


def withdraw_scheduled(session: Session, item: Item) -> None:
    """Take back a scheduled release: the revision is Draft again, its times cleared."""
    if not is_scheduled(item):
        raise InvalidState(
            f"{item.item_number} rev {item.revision} is not scheduled to take effect",
            code=codes.NOT_SCHEDULED,
            context={"item_id": item.id, "state": item.state, "is_current": item.is_current},
        )
    item.state = "Draft"
    item.released_at = None
    item.effective_from = None
    item.updated_at = utcnow()
    session.flush()
