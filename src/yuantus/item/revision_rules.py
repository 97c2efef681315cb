"""Revision rules: which revision of a child item a BOM line resolves to.

A BOM line points at the child *item* (its config); a rule picks the revision:
`latest` (the current one: the working view), `released` (the current Released one:
a scheduled release is never picked, an item without one is unresolved) or `as_of`
(the revision effective at a time: `effective_from <= t < superseded_at`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from yuantus.core.errors import Unprocessable
from yuantus.item import codes
from yuantus.item.models import Item

RuleKind = Literal["latest", "released", "as_of"]
RULE_KINDS: tuple[RuleKind, ...] = ("latest", "released", "as_of")
# a Superseded root shows the configuration of the moment before it stopped being current:
# a child switched at the same instant (two ECOs effective at one midnight) is still the old one
_BEFORE = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class RevisionRule:
    """A rule (kind, and the time for as_of) and whether it was asked for or defaulted."""

    kind: RuleKind
    as_of: datetime | None = None
    default: bool = False

    def describe(self) -> dict[str, Any]:
        """The rule as answers show it."""
        return {
            "kind": self.kind,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "default": self.default,
        }


LATEST = RevisionRule("latest")
RELEASED = RevisionRule("released")


def parse_as_of(value: str) -> datetime:
    """An ISO 8601 time with a UTC offset, as UTC; 422 invalid_as_of otherwise."""
    text = value.strip()
    # an unencoded "+08:00" arrives as " 08:00" (a plus in a query string is a space)
    if len(text) > 6 and text[-6] == " " and text[-3] == ":":
        text = f"{text[:-6]}+{text[-5:]}"
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Unprocessable(
            f"as_of {value!r} is not an ISO 8601 time with a UTC offset "
            "(e.g. 2026-12-01T12:00:00Z)",
            code=codes.INVALID_AS_OF,
            context={"as_of": value, "example": "2026-12-01T12:00:00Z"},
        )
    return moment.astimezone(UTC)


def parse_rule(rule: str | None, as_of: str | None) -> RevisionRule | None:
    """The rule a query asks for (None: the root's default); 422 on a bad rule or as_of."""
    if rule is not None and rule not in RULE_KINDS:
        raise Unprocessable(
            f"unknown revision rule {rule!r}; allowed: {', '.join(RULE_KINDS)}",
            code=codes.UNKNOWN_REVISION_RULE,
            context={"rule": rule, "allowed": list(RULE_KINDS)},
        )
    if as_of is None:
        if rule == "as_of":
            raise Unprocessable(
                "rule as_of needs an as_of time",
                code=codes.INVALID_AS_OF,
                context={"rule": rule, "as_of": None},
            )
        return RevisionRule(rule) if rule else None
    if rule not in (None, "as_of"):
        raise Unprocessable(
            f"as_of cannot be combined with rule {rule}",
            code=codes.INVALID_AS_OF,
            context={"rule": rule, "as_of": as_of},
        )
    return RevisionRule("as_of", parse_as_of(as_of))


def ended_at(item: Item) -> datetime:
    """When a Superseded or Obsolete revision stopped being current."""
    # Obsolete keeps no time of its own; a frozen revision's updated_at is the obsoleting
    if item.superseded_at is not None:
        return item.superseded_at
    return item.updated_at


def default_for(item: Item) -> RevisionRule:
    """The rule a structure of this revision resolves under when none is asked for."""
    if item.state == "Released":
        return RevisionRule("released", default=True)
    if item.state in ("Superseded", "Obsolete"):
        return RevisionRule("as_of", ended_at(item) - _BEFORE, default=True)
    return RevisionRule("latest", default=True)


def rule_for(item: Item, asked: RevisionRule | None) -> RevisionRule:
    """The asked rule, or the revision's default."""
    return asked if asked is not None else default_for(item)
