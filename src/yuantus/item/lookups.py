"""Column-level, bulk item lookups for other domains (BOM explosion, where-used, cycle check).

Other domains join these selectables instead of reading meta_items themselves, so the
knowledge of the item table (which revision is current, which columns exist) stays here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Subquery, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

from yuantus.item.models import Item
from yuantus.item.revision_rules import RevisionRule

# values per bound list: within every driver's bind-parameter limits
LOOKUP_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class ItemRow:
    """A read-only projection of one item revision: what a BOM row or a path shows."""

    id: str
    config_id: str
    item_number: str
    revision: str
    state: str
    name: str
    item_type: str


# the column order of current_revisions() / all_revisions() and of ItemRow
ITEM_ROW_COLUMNS = ("id", "config_id", "item_number", "revision", "state", "name", "item_type")


def _rows() -> Select[str, str, str, str, str, str, str]:
    """The ItemRow columns of meta_items, in ITEM_ROW_COLUMNS order."""
    return select(
        Item.id,
        Item.config_id,
        Item.item_number,
        Item.revision,
        Item.state,
        Item.name,
        Item.item_type,
    )


def current_revisions(name: str = "current_items") -> Subquery:
    """A selectable of the current revision of every item (columns: ITEM_ROW_COLUMNS)."""
    return _rows().where(Item.is_current).subquery(name)


def revisions_under(rule: RevisionRule, name: str = "resolved_items") -> Subquery:
    """A selectable of the revision each item resolves to under the rule (ITEM_ROW_COLUMNS).

    At most one row per config; an item with no revision under the rule has none (a
    LEFT JOIN shows it unresolved). latest: the current revision. released: the current
    revision if it is Released (a scheduled release is never current, so never picked).
    as_of(t): the revision with effective_from <= t < superseded_at, and no later
    revision effective by t (a revision scheduled before t ends the current one's time).
    """
    if rule.kind == "latest":
        return current_revisions(name)
    if rule.kind == "released":
        return _rows().where(Item.is_current, Item.state == "Released").subquery(name)
    at = rule.as_of
    assert at is not None, "an as_of rule carries its time"
    later = aliased(Item, name=f"{name}_later")
    newer_effective = exists().where(
        later.config_id == Item.config_id,
        later.generation > Item.generation,
        later.effective_from <= at,
    )
    return (
        _rows()
        .where(
            and_(
                Item.effective_from <= at,
                or_(Item.superseded_at.is_(None), Item.superseded_at > at),
                ~newer_effective,
            )
        )
        .subquery(name)
    )


def all_revisions(name: str = "item_revisions") -> Subquery:
    """A selectable of every revision of every item (columns: ITEM_ROW_COLUMNS)."""
    return _rows().subquery(name)


def current_revision_rows(session: Session, config_ids: Iterable[str]) -> dict[str, ItemRow]:
    """The current revisions of many items as ItemRow, keyed by config_id; chunked queries."""
    wanted = sorted(set(config_ids))
    out: dict[str, ItemRow] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        query = _rows().where(Item.config_id.in_(chunk), Item.is_current)
        for id_, config_id, number, revision, state, name, item_type in session.execute(query):
            out[config_id] = ItemRow(id_, config_id, number, revision, state, name, item_type)
    return out


def released_by_config(session: Session, config_ids: Iterable[str]) -> dict[str, Item]:
    """The Released revision in effect of many items, keyed by config_id (rule `released`).

    The same choice as the revision rule: the current revision when it is Released. A
    scheduled release (Released, not yet current) is not in effect, so it never answers.
    """
    in_effect = and_(Item.state == "Released", Item.is_current)
    return _newest(_by_config_rows(session, config_ids, in_effect))


def latest_by_config(session: Session, config_ids: Iterable[str]) -> dict[str, Item]:
    """The newest revision (highest generation, any state) of many items, keyed by config_id."""
    return _newest(_by_config_rows(session, config_ids, None))


def _newest(items: Iterable[Item]) -> dict[str, Item]:
    out: dict[str, Item] = {}
    for item in items:
        if item.config_id not in out or item.generation > out[item.config_id].generation:
            out[item.config_id] = item
    return out


def _by_config_rows(session: Session, config_ids: Iterable[str], where: Any) -> list[Item]:
    wanted = sorted(set(config_ids))
    rows: list[Item] = []
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        query = select(Item).where(Item.config_id.in_(wanted[start : start + LOOKUP_CHUNK]))
        rows.extend(session.scalars(query if where is None else query.where(where)))
    return rows
