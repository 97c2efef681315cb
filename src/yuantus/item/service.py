"""Items: create, edit, lifecycle transitions through hooks, revise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from yuantus.core import error_codes as ec
from yuantus.core import sequences, transitions
from yuantus.core.db import new_id, utcnow
from yuantus.core.errors import (
    Conflict,
    InvalidState,
    Unprocessable,
    not_found,
)
from yuantus.core.hooks import HookRegistry, Transition, run_transition
from yuantus.core.orm import flush_or_conflict, get_or_404
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.core.transitions import Rule, TransitionOptions
from yuantus.identity.models import User
from yuantus.item import (
    changes,
    codes,
    effectivity,
    guards,
    history,
    release_checks,
    revision_rules,
    revisions,
    rules,
)
from yuantus.item.copying import revision_copiers

# the filtered, searched item list lives in listing.py
from yuantus.item.listing import list_items as list_items

# column-level bulk lookups for other domains (BOM): kept in lookups.py, re-exported here
from yuantus.item.lookups import ItemRow as ItemRow
from yuantus.item.lookups import all_revisions as all_revisions
from yuantus.item.lookups import current_revision_rows as current_revision_rows
from yuantus.item.lookups import current_revisions as current_revisions
from yuantus.item.lookups import revisions_under as revisions_under
from yuantus.item.models import FROZEN_STATES, OPEN_STATES, Item
from yuantus.item.revision_rules import RevisionRule as RevisionRule
from yuantus.item.revision_rules import parse_rule as parse_rule
from yuantus.item.revision_rules import rule_for as rule_for

# the revision rules structure reads resolve under (item/revision_rules.py)
LATEST_RULE = revision_rules.LATEST
RELEASED_RULE = revision_rules.RELEASED

NUMBER_PREFIX = {"Part": "P", "Document": "D"}


# the lifecycle: action -> from states, to state, roles (four eyes narrows a direct release)
LIFECYCLE: dict[str, Rule] = {
    "submit": Rule(("Draft",), "InReview", ("engineer",)),
    "reject": Rule(("InReview",), "Draft", ("engineer", "approver")),
    "release": Rule(("InReview",), "Released", ("engineer", "approver")),
    "obsolete": Rule(("Released",), "Obsolete", ("engineer",)),
}

# hooks run around every lifecycle transition, one point per action: item.submit, ...
item_hooks = HookRegistry("item", [f"item.{action}" for action in LIFECYCLE])


def get(session: Session, item_id: str) -> Item:
    """An item revision by id; 404 item_not_found."""
    return get_or_404(session, Item, item_id, codes.ITEM_NOT_FOUND)


def get_for_update(session: Session, item_id: str) -> Item:
    """An item revision locked for the rest of the transaction (PostgreSQL row lock)."""
    item = session.scalar(
        select(Item)
        .where(Item.id == item_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if item is None:
        raise not_found("item", item_id)
    return item


def lock_editable(session: Session, item_id: str) -> Item:
    """The revision locked and re-read, then checked editable (409 item_frozen otherwise).

    Every edit of a revision's content starts here: a release that committed meanwhile is
    seen, and one that comes later waits until this edit's transaction ends.
    """
    item = get_for_update(session, item_id)
    ensure_editable(item)
    return item


def get_current(session: Session, config_id: str) -> Item:
    """The current revision of an item."""
    item = session.scalar(select(Item).where(Item.config_id == config_id, Item.is_current))
    if item is None:
        raise not_found("item", config_id)
    return item


def current_by_config(session: Session, config_ids: Sequence[str]) -> dict[str, Item]:
    """The current revisions of many items at once, keyed by config_id."""
    if not config_ids:
        return {}
    rows = session.scalars(select(Item).where(Item.config_id.in_(set(config_ids)), Item.is_current))
    return {row.config_id: row for row in rows}


def current_by_numbers(session: Session, item_type: str, numbers: Sequence[str]) -> dict[str, Item]:
    """The current revisions of many items of a type at once, keyed by item number."""
    rules.check_type(item_type)
    wanted = sorted(set(numbers))
    out: dict[str, Item] = {}
    for start in range(0, len(wanted), 5000):
        query = select(Item).where(
            Item.item_type == item_type,
            Item.item_number.in_(wanted[start : start + 5000]),
            Item.is_current,
        )
        out.update((row.item_number, row) for row in session.scalars(query))
    return out


def get_by_number(
    session: Session, item_type: str, item_number: str, revision: str | None = None
) -> Item:
    """The current (or a given) revision of an item by its number."""
    rules.check_type(item_type)
    query = select(Item).where(Item.item_type == item_type, Item.item_number == item_number)
    query = query.where(Item.revision == revision) if revision else query.where(Item.is_current)
    item = session.scalar(query)
    if item is None:
        raise rules.number_not_found(item_type, item_number, revision)
    return item


def list_revisions(session: Session, config_id: str) -> list[Item]:
    """All revisions of an item, oldest first."""
    return list(
        session.scalars(
            select(Item).where(Item.config_id == config_id).order_by(Item.generation, Item.id)
        )
    )


def list_revisions_page(
    session: Session, config_id: str, page: PageParams, sort: SortOrder | None = None
) -> tuple[list[Item], int]:
    """One page of an item's revisions, oldest first, and their count."""
    query = select(Item).where(Item.config_id == config_id).order_by(Item.generation, Item.id)
    return paginate(session, query, page, sort)


def create(
    session: Session,
    item_type: str,
    name: str,
    *,
    item_number: str | None = None,
    description: str | None = None,
    properties: dict[str, Any] | None = None,
    user: User | None = None,
) -> Item:
    """A new item: revision A, Draft, current; 409 item_number_taken on a duplicate."""
    rules.check_type(item_type)
    name = rules.clean_name(name)
    if item_number is None:
        number = _generate_number(session, item_type)
    else:
        number = item_number.strip()
        if not number:
            raise Unprocessable(
                "the item number is empty; omit it to have one generated",
                code=codes.EMPTY_ITEM_NUMBER,
            )
        if _number_exists(session, item_type, number):
            raise rules.number_taken(item_type, number)
    item = Item(
        id=new_id(),
        item_type=item_type,
        config_id=new_id(),
        item_number=number,
        revision=revisions.label(1),
        generation=1,
        is_current=True,
        state="Draft",
        name=name,
        description=description,
        properties=dict(properties or {}),
        created_by=user.id if user else None,
    )
    session.add(item)
    flush_or_conflict(session, rules.number_taken(item_type, number))
    history.record_event(session, item, "created", after=history.attributes(item), actor=user)
    return item


def _generate_number(session: Session, item_type: str) -> str:
    """The next free generated number; values a user already took by hand are skipped."""
    while True:
        number = sequences.formatted(
            session, f"item_number_{item_type.lower()}", NUMBER_PREFIX[item_type], 6
        )
        if not _number_exists(session, item_type, number):
            return number


def _number_exists(session: Session, item_type: str, number: str) -> bool:
    """True when any revision of the type already carries the number."""
    query = select(Item.id).where(Item.item_type == item_type, Item.item_number == number)
    return session.scalar(query.limit(1)) is not None


def update(
    session: Session,
    item: Item,
    *,
    name: str | None = None,
    description: str | None = None,
    properties: dict[str, Any] | None = None,
    user: User | None = None,
) -> Item:
    """Edit an open revision's name, description or properties (replaced whole)."""
    item = lock_editable(session, item.id)
    wanted: dict[str, Any] = {}
    if name is not None:
        wanted["name"] = rules.clean_name(name)
    if description is not None:
        wanted["description"] = description
    if properties is not None:
        wanted["properties"] = dict(properties)
    before = {k: getattr(item, k) for k, v in wanted.items() if getattr(item, k) != v}
    for field_name, value in wanted.items():
        setattr(item, field_name, value)
    item.updated_at = utcnow()
    session.flush()
    if before:
        after = {k: getattr(item, k) for k in before}
        changes.notify(
            session, item, "item", item.id, "update", before=before, after=after, user_id=_uid(user)
        )
    return item


def ensure_editable(item: Item) -> None:
    """409 item_frozen when the revision is frozen; then every registered edit guard."""
    if item.state in FROZEN_STATES:
        raise Conflict(
            f"{item.item_type} {item.item_number} rev {item.revision} is {item.state} and frozen",
            code=codes.ITEM_FROZEN,
            context={"item_id": item.id, "state": item.state},
        )
    session = object_session(item)
    if session is not None:
        guards.run_guards(session, item)


def transition(
    session: Session,
    item: Item,
    action: str,
    user: User | None,
    *,
    check_roles: bool = True,
    four_eyes: bool = True,
    via_eco: bool = False,
    effective_from: datetime | None = None,
    by: Mapping[str, Any] | None = None,
) -> Item:
    """Run a lifecycle transition through the before/after hooks, in the caller's transaction.

    A release needs every child and linked document Released (always), and, when
    `four_eyes` is on and the release is direct (not `via_eco`), an approver who did not
    submit the revision. `effective_from` (release only, for ECOs) schedules the release
    when it is in the future; `by` (an ECO's eco_id and eco_number) goes into the history
    rows of the move.
    """
    rule = transitions.rule_for("an item", LIFECYCLE, action)
    # lock and re-read: two racing transitions of one revision must see each other's result
    item = get_for_update(session, item.id)
    if item.state not in rule.from_states:
        allowed = sorted(a for a, r in LIFECYCLE.items() if item.state in r.from_states)
        raise InvalidState(
            f"cannot {action} a {item.state} revision; allowed: {', '.join(allowed) or 'none'}",
            code=ec.INVALID_TRANSITION,
            context={"state": item.state, "action": action, "allowed": allowed},
        )
    if check_roles and user is not None:
        transitions.ensure_role(action, rule, user)
    if action == "obsolete":
        # the scheduled switch would otherwise make a revision current after its item died
        effectivity.ensure_nothing_scheduled(session, item.config_id, "obsolete a revision")
    # other domains' guards first: a locked ECO target is refused whoever releases it
    guards.run_guards(session, item, action)
    if action == "release":
        # an ECO's approvals are its second pair of eyes; its content must be released all the same
        if four_eyes and not via_eco:
            rules.ensure_four_eyes(item, user)
        release_checks.ensure_releasable(session, item)
    event = Transition(
        object_type="ITEM",
        object_id=item.id,
        obj=item,
        action=action,
        from_state=item.state,
        to_state=rule.to_state,
        user_id=user.id if user else None,
        extra={
            "item_type": item.item_type,
            "number": item.item_number,
            "revision": item.revision,
            "via_eco": via_eco,
        },
    )
    # a savepoint makes the transition all-or-nothing even for callers that catch the veto
    # and go on with their transaction; on rollback SQLAlchemy expires the touched objects
    from_state, superseded = item.state, []
    with run_transition(session, event, item_hooks):
        if action == "release":
            superseded = _release(session, item, effective_from)
            item.released_by = user.id if user else None
        else:
            assert rule.to_state is not None
            item.state = rule.to_state
        if action in ("submit", "reject"):
            item.submitted_by = user.id if user and action == "submit" else None
        item.updated_at = utcnow()
        session.flush()
        changes.notify(
            session,
            item,
            "item",
            item.id,
            action,
            before={"state": event.from_state},
            after={"state": item.state},
            user_id=event.user_id,
        )
        # inside the savepoint: a move a hook vetoes leaves no row
        history.record_transition(
            session, item, action, from_state, actor=user, by=by, superseded=superseded
        )
    return item


def transition_options(item: Item, user: User, *, four_eyes: bool = True) -> TransitionOptions:
    """The lifecycle actions the user may take on the revision now (as `transition` checks)."""

    def allowed(action: str, _rule: Rule) -> bool:
        # a direct release under four eyes: an approver who did not submit the revision
        return not (
            action == "release"
            and four_eyes
            and (not user.has_role("approver") or item.submitted_by == user.id)
        )

    return transitions.options(item.state, LIFECYCLE, user, allowed)


def _release(session: Session, item: Item, effective_from: datetime | None) -> list[Item]:
    """Release a revision: it becomes current, the previously released one Superseded.

    With a future `effective_from` (an ECO's effectivity date) it is released now but
    switched to current only then (item/effectivity.py). Answers the revisions superseded.
    """
    now = utcnow()
    if effective_from is not None and effective_from > now:
        effectivity.schedule_release(item, effective_from)
        return []
    superseded = effectivity.switch_current(session, item, now)
    item.released_at = now
    return superseded


def revise(
    session: Session, item: Item, user: User | None, *, by: Mapping[str, Any] | None = None
) -> Item:
    """Open the next revision (Draft) from the current released one, copying its content."""
    source = get_for_update(session, item.id)
    if not source.is_current or source.state != "Released":
        raise InvalidState(
            "only the current released revision can be revised",
            code=codes.NOT_REVISABLE,
            context={"item_id": source.id, "state": source.state, "is_current": source.is_current},
        )
    effectivity.ensure_nothing_scheduled(session, source.config_id, "revise the item")
    in_progress = rules.revision_in_progress(source)
    if session.scalar(
        select(Item.id).where(Item.config_id == source.config_id, Item.state.in_(OPEN_STATES))
    ):
        raise in_progress
    last_generation = max(r.generation for r in list_revisions(session, source.config_id))
    target = Item(
        id=new_id(),
        item_type=source.item_type,
        config_id=source.config_id,
        item_number=source.item_number,
        revision=revisions.label(last_generation + 1),
        generation=last_generation + 1,
        is_current=False,
        state="Draft",
        name=source.name,
        description=source.description,
        properties=dict(source.properties or {}),
        created_by=user.id if user else None,
    )
    session.add(target)
    flush_or_conflict(session, in_progress)
    # file links, BOM lines, ...: each domain registers its copier through its manifest
    revision_copiers.run(session, source, target)
    session.flush()
    origin = {"from_item_id": source.id, "from_revision": source.revision}
    after = history.attributes(target) | origin
    history.record_event(session, target, "revised", after=after, actor=user, by=by)
    return target


def discard_draft(
    session: Session,
    item: Item,
    *,
    actor: User | None = None,
    by: Mapping[str, Any] | None = None,
) -> None:
    """Delete an open (never released) revision that is not the item's first."""
    if item.state not in OPEN_STATES or item.generation == 1 or item.is_current:
        raise InvalidState(
            "only a non-current Draft/InReview successor revision can be discarded",
            code=codes.NOT_DISCARDABLE,
            context={"item_id": item.id, "state": item.state},
        )
    # its history rows stay: they name the revision and are found by the item's config_id
    history.record_event(
        session, item, "discarded", before=history.attributes(item), actor=actor, by=by
    )
    # file links and BOM lines of the revision go with it (ON DELETE CASCADE)
    session.delete(item)
    session.flush()


def _uid(user: User | None) -> str | None:
    return user.id if user else None
