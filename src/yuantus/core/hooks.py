"""Typed before/after hooks around every state change (ECO, item, routing, work order).

A hook is `hook(session, transition) -> Ok | Warn | Block | None` (None means Ok). The
dispatcher runs a phase's hooks in (priority, name) order: `Warn` messages are collected
on the session and returned as `warnings` in the answer; `Block` (or a domain error the
hook raises) aborts the transition with 409. A transition runs in a savepoint
(`run_transition`), so any exception in a hook undoes it cleanly. Hooks run inside the
transaction: slow or networked work is enqueued as a job, never done in the hook.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from sqlalchemy.orm import Session

from yuantus.core import error_codes as ec
from yuantus.core.errors import InvalidState

log = logging.getLogger("yuantus.hooks")

Phase = Literal["before", "after"]
PHASES: tuple[Phase, ...] = ("before", "after")
ObjectType = Literal["ECO", "ITEM", "ROUTING", "WORKORDER"]
DEFAULT_PRIORITY = 100
# a hook slower than this is logged: it holds row locks (and SQLite's write lock) meanwhile
SLOW_HOOK_SECONDS = 0.2
_WARNINGS_KEY = "yuantus.hook_warnings"


@dataclass(frozen=True)
class Ok:
    """The transition may go on."""


@dataclass(frozen=True)
class Warn:
    """The transition goes on; the messages are returned to the user as `warnings`."""

    messages: list[str]

    def __post_init__(self) -> None:
        # Warn("text") must not become one warning per character
        if isinstance(self.messages, str):
            object.__setattr__(self, "messages", [self.messages])


@dataclass(frozen=True)
class Block:
    """The transition is refused: 409 with exactly this code, message and context."""

    code: str
    message: str
    context: dict[str, Any] = field(default_factory=dict)


Outcome = Ok | Warn | Block


@dataclass
class Transition:
    """One state change as hooks see it; `point` (e.g. "eco.move") names the hook point.

    `from_state`/`to_state` are the object's own states (item lifecycle, ECO state,
    routing state, work-order state); `from_stage`/`to_stage` are ECO stage names and
    stay None for every other object.
    """

    object_type: ObjectType
    object_id: str
    obj: Any
    action: str
    from_state: str | None
    to_state: str | None
    user_id: str | None
    from_stage: str | None = None
    to_stage: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def point(self) -> str:
        """The public hook point name: "<object type>.<action>", e.g. "item.release"."""
        return f"{self.object_type.lower()}.{self.action}"


Hook = Callable[[Session, Transition], Outcome | None]
H = TypeVar("H", bound=Hook)


class TransitionBlocked(InvalidState):
    """A hook returned Block: 409 whose body carries exactly the Block's fields."""

    default_code = ec.TRANSITION_BLOCKED

    def __init__(self, block: Block, *, hook: str, point: str) -> None:
        code = block.code or ec.TRANSITION_BLOCKED
        super().__init__(block.message, code=code, context=dict(block.context))
        self.hook = hook
        self.point = point


@dataclass(frozen=True)
class RegisteredHook:
    """A hook with its name, priority and the points it listens to (None: all)."""

    name: str
    priority: int
    hook: Hook
    points: frozenset[str] | None

    def applies_to(self, point: str) -> bool:
        """True when the hook listens to the point."""
        return self.points is None or point in self.points


_REGISTRIES: list[HookRegistry] = []


class HookRegistry:
    """The hooks of a family of hook points, per phase, run in (priority, name) order."""

    def __init__(
        self, name: str, points: Iterable[str], *, phases: Sequence[Phase] = PHASES
    ) -> None:
        self.name = name
        self.points: tuple[str, ...] = tuple(points)
        self.phases: tuple[Phase, ...] = tuple(phases)
        self._hooks: dict[Phase, list[RegisteredHook]] = {p: [] for p in self.phases}
        _REGISTRIES.append(self)

    def register(
        self,
        phase: Phase,
        hook: H,
        *,
        name: str | None = None,
        priority: int = DEFAULT_PRIORITY,
        points: Iterable[str] | None = None,
    ) -> H:
        """Add a hook (idempotent); the name defaults to module.qualname of the function."""
        hooks = self._phase(phase)
        entry = RegisteredHook(
            name=name or f"{hook.__module__}.{hook.__qualname__}",
            priority=priority,
            hook=hook,
            points=self._check_points(points),
        )
        existing = next((h for h in hooks if h.name == entry.name), None)
        if existing is not None:
            if existing.hook is not hook:
                raise ValueError(
                    f"another hook is registered as {entry.name!r} on {self.name} {phase}"
                )
            hooks.remove(existing)
        hooks.append(entry)
        hooks.sort(key=lambda h: (h.priority, h.name))
        return hook

    def on(
        self,
        phase: Phase,
        *,
        name: str | None = None,
        priority: int = DEFAULT_PRIORITY,
        points: Iterable[str] | None = None,
    ) -> Callable[[H], H]:
        """Decorator form of register."""

        def decorate(hook: H) -> H:
            return self.register(phase, hook, name=name, priority=priority, points=points)

        return decorate

    def unregister(self, phase: Phase, hook: Hook | str) -> None:
        """Remove a hook (by function or name) if present."""
        hooks = self._hooks.get(phase, [])
        hooks[:] = [h for h in hooks if h.hook is not hook and h.name != hook]

    @contextmanager
    def registered(
        self,
        phase: Phase,
        hook: H,
        *,
        name: str | None = None,
        priority: int = DEFAULT_PRIORITY,
        points: Iterable[str] | None = None,
    ) -> Iterator[H]:
        """Register a hook for the duration of a block (tests)."""
        self.register(phase, hook, name=name, priority=priority, points=points)
        try:
            yield hook
        finally:
            self.unregister(phase, hook)

    def hooks(self, phase: Phase) -> list[RegisteredHook]:
        """The hooks of a phase in the order they run."""
        return list(self._phase(phase))

    def run(self, phase: Phase, session: Session, transition: Transition) -> list[str]:
        """Run a phase's hooks for the transition's point; answer the warnings they gave.

        A Block raises TransitionBlocked; an exception a hook raises propagates as it is.
        """
        point = transition.point
        if point not in self.points:
            raise ValueError(f"{point} is not a hook point of {self.name}")
        given: list[str] = []
        for entry in self.hooks(phase):
            if not entry.applies_to(point):
                continue
            started = time.perf_counter()
            outcome = entry.hook(session, transition)
            elapsed = time.perf_counter() - started
            if elapsed > SLOW_HOOK_SECONDS:
                log.warning(
                    "hook %s on %s %s took %.2fs inside the transaction; enqueue slow work "
                    "as a job",
                    entry.name,
                    point,
                    phase,
                    elapsed,
                )
            if outcome is None or isinstance(outcome, Ok):
                continue
            if isinstance(outcome, Warn):
                given.extend(str(m) for m in outcome.messages)
            elif isinstance(outcome, Block):
                raise TransitionBlocked(outcome, hook=entry.name, point=point)
            else:
                raise TypeError(
                    f"hook {entry.name} returned {outcome!r}; expected Ok, Warn, Block or None"
                )
        add_warnings(session, given)
        return given

    def _phase(self, phase: Phase) -> list[RegisteredHook]:
        if phase not in self._hooks:
            raise ValueError(f"{self.name} hooks have no {phase!r} phase")
        return self._hooks[phase]

    def _check_points(self, points: Iterable[str] | None) -> frozenset[str] | None:
        if points is None:
            return None
        chosen = frozenset([points] if isinstance(points, str) else points)
        unknown = sorted(chosen - set(self.points))
        if unknown:
            raise ValueError(f"unknown hook points {unknown} for {self.name}: {self.points}")
        return chosen


def hook_points() -> dict[str, list[str]]:
    """Every public hook point and the registries (families) that run hooks there."""
    points: dict[str, list[str]] = {}
    for registry in _REGISTRIES:
        for point in registry.points:
            points.setdefault(point, []).append(registry.name)
    return dict(sorted(points.items()))


def registered_hooks() -> dict[str, list[tuple[Phase, str, int]]]:
    """Per registry, its hooks as (phase, name, priority) in run order."""
    return {
        r.name: [(p, h.name, h.priority) for p in r.phases for h in r.hooks(p)] for r in _REGISTRIES
    }


def warnings(session: Session) -> list[str]:
    """The warnings hooks gave so far in this session's work (a copy)."""
    return list(session.info.get(_WARNINGS_KEY, ()))


def add_warnings(session: Session, messages: Iterable[str]) -> None:
    """Add warnings to be returned with the answer of the current request."""
    collected: list[str] = session.info.setdefault(_WARNINGS_KEY, [])
    collected.extend(messages)


@contextmanager
def atomic(session: Session) -> Iterator[None]:
    """A savepoint; on any exception it is rolled back, with the warnings given inside it."""
    mark = len(session.info.get(_WARNINGS_KEY, ()))
    try:
        with session.begin_nested():
            yield
    except BaseException:
        del session.info.setdefault(_WARNINGS_KEY, [])[mark:]
        raise


@contextmanager
def run_transition(
    session: Session,
    transition: Transition,
    registry: HookRegistry,
    *,
    gates: HookRegistry | None = None,
) -> Iterator[Transition]:
    """Savepoint -> gates -> before hooks -> the block's change -> flush -> after hooks."""
    with atomic(session):
        if gates is not None:
            gates.run("before", session, transition)
        registry.run("before", session, transition)
        yield transition
        session.flush()
        registry.run("after", session, transition)
