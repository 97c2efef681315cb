"""The one shape of a state change: `POST /<objects>/{id}/transitions` and its `GET`.

Every object with a state (item, ECO, routing, work order and the capability objects) takes
`{"action": ..., "comment"?: ...}` and answers the object; `GET` lists the actions the caller
may take now. Domains extend `TransitionRequest` with their action's own fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel, Field

from yuantus.core import error_codes as ec
from yuantus.core.errors import PermissionDenied, Unprocessable
from yuantus.core.schemas import Schema


class User(Protocol):
    """Who takes an action: core knows users only by their roles (identity sits above it)."""

    @property
    def roles(self) -> list[str]:
        """The user's role names."""

    def has_role(self, *roles: str) -> bool:
        """True when the user holds one of the roles, or is admin."""


class TransitionRequest(Schema):
    """One action on an object's state."""

    action: str = Field(min_length=1, max_length=64, description="the action to take")
    comment: str | None = Field(
        default=None, max_length=2000, description="why; kept in the object's history"
    )


def action_field(actions: Iterable[str]) -> Any:
    """The `action` field of an object's TransitionRequest: its actions, an enum in the OpenAPI.

    Validation stays the object's (422 unknown_action with `allowed`, 409 from a wrong state):
    the enum documents the values, so clients and fuzzers send the actions that exist.
    """
    return Field(
        min_length=1,
        max_length=64,
        description="the action to take",
        json_schema_extra={"enum": list(actions)},
    )


class AllowedAction(BaseModel):
    """An action the caller may take now, and where it leads."""

    action: str
    to_state: str | None = Field(description="the state it leads to; null when it depends")
    roles: list[str] = Field(description="the roles that may take it")


class TransitionOptions(BaseModel):
    """The object's state and the actions the caller may take from it."""

    state: str
    actions: list[AllowedAction]


@dataclass(frozen=True)
class Rule:
    """One action of an object's transition table: from which states, to which, who may."""

    from_states: tuple[str, ...]
    to_state: str | None
    roles: tuple[str, ...]


def unknown_action(kind: str, action: str, allowed: Iterable[str]) -> Unprocessable:
    """422 unknown_action naming every action the object has."""
    names = sorted(allowed)
    return Unprocessable(
        f"{kind} has no action {action!r}; its actions: {', '.join(names)}",
        code=ec.UNKNOWN_ACTION,
        context={"action": action, "allowed": names},
    )


def rule_for(kind: str, table: Mapping[str, Rule], action: str) -> Rule:
    """The table's rule of an action; 422 unknown_action when it has none."""
    rule = table.get(action)
    if rule is None:
        raise unknown_action(kind, action, table)
    return rule


def ensure_role(action: str, rule: Rule, user: User) -> None:
    """403 role_required unless the user holds one of the rule's roles (admin always does)."""
    if not user.has_role(*rule.roles):
        # the same answer as identity's role guards: every role that passes, admin included
        required = [*dict.fromkeys(rule.roles)]
        if "admin" not in required:
            required.append("admin")
        raise PermissionDenied(
            f"{action} needs one of the roles: {', '.join(required)}",
            code=ec.ROLE_REQUIRED,
            context={"required_roles": required, "user_roles": list(user.roles)},
        )


def options(
    state: str,
    table: Mapping[str, Rule],
    user: User,
    allowed: Callable[[str, Rule], bool] | None = None,
) -> TransitionOptions:
    """The actions of the table the user may take from `state` (`allowed` adds object rules)."""
    actions = [
        AllowedAction(action=name, to_state=rule.to_state, roles=list(rule.roles))
        for name, rule in table.items()
        if state in rule.from_states
        and user.has_role(*rule.roles)
        and (allowed is None or allowed(name, rule))
    ]
    return TransitionOptions(state=state, actions=actions)
