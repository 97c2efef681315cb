"""The one shape of a state change: `POST /<objects>/{id}/transitions` and its `GET`.

Every object with a state (item, ECO, routing, work order and the capability objects) takes
`{"action": ..., "comment"?: ...}` and answers the object; `GET` lists the actions the caller
may take now. Domains extend `TransitionRequest` with their action's own fields.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from yuantus.core.schemas import Schema


class TransitionRequest(Schema):
    """One action on an object's state."""

    action: str = Field(min_length=1, max_length=64, description="the action to take")
    comment: str | None = Field(
        default=None, max_length=2000, description="why; kept in the object's history"
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
