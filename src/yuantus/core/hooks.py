"""Before/after transition hooks shared by item lifecycle and ECO flow."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.orm import Session

Phase = Literal["before", "after"]


@dataclass
class Transition:
    """One state change of an object, as hooks see it."""

    object_type: str  # "ITEM" or "ECO"
    object_id: str
    obj: Any
    action: str
    from_state: str | None
    to_state: str | None
    user_id: str | None
    extra: dict[str, Any] = field(default_factory=dict)


Hook = Callable[[Session, Transition], None]


class HookRegistry:
    """Ordered hooks per phase; a before hook vetoes by raising a domain error."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._hooks: dict[Phase, list[Hook]] = {"before": [], "after": []}

    def register(self, phase: Phase, hook: Hook) -> Hook:
        """Add a hook for a phase (idempotent)."""
        if hook not in self._hooks[phase]:
            self._hooks[phase].append(hook)
        return hook

    def unregister(self, phase: Phase, hook: Hook) -> None:
        """Remove a hook if present."""
        if hook in self._hooks[phase]:
            self._hooks[phase].remove(hook)

    @contextmanager
    def registered(self, phase: Phase, hook: Hook) -> Iterator[Hook]:
        """Register a hook for the duration of a block (tests)."""
        self.register(phase, hook)
        try:
            yield hook
        finally:
            self.unregister(phase, hook)

    def run(self, phase: Phase, session: Session, transition: Transition) -> None:
        """Run a phase's hooks in order; an exception propagates and aborts the transition."""
        for hook in list(self._hooks[phase]):
            hook(session, transition)
