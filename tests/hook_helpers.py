"""Hooks for tests: record what a hook point saw, warn, block, crash."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from yuantus.core.hooks import Block, Hook, HookRegistry, Phase, Transition, Warn

_sequence = count()
# (phase, point, from_state, to_state, from_stage, to_stage, user_id)
Seen = tuple[str, str, str | None, str | None, str | None, str | None, str | None]


def recorder(log: list[Seen], phase: Phase) -> Hook:
    """A hook appending what it saw to the log."""

    def hook(_session: Session, t: Transition) -> None:
        log.append((phase, t.point, t.from_state, t.to_state, t.from_stage, t.to_stage, t.user_id))

    return hook


def warner(message: str) -> Hook:
    """A hook that lets the transition go on with a warning naming the point."""

    def hook(_session: Session, t: Transition) -> Warn:
        return Warn([f"{message} on {t.point}"])

    return hook


def blocker(code: str = "held_by_quality", **context: Any) -> Hook:
    """A hook that refuses the transition with a Block."""

    def hook(_session: Session, t: Transition) -> Block:
        return Block(code, f"quality holds {t.object_id}", {"point": t.point, **context})

    return hook


def crasher(_session: Session, t: Transition) -> None:
    """A hook with a bug: it raises a plain RuntimeError."""
    raise RuntimeError(f"hook bug on {t.point}")


@contextmanager
def hooked(registry: HookRegistry, *hooks: tuple[Phase, Hook]) -> Iterator[None]:
    """Register (phase, hook) pairs on a registry for the duration of a block."""
    with ExitStack() as stack:
        for phase, hook in hooks:
            # closures of one factory share a qualname; a counter keeps names unique and
            # makes hooks of equal priority run in the order they were given
            name = f"test-{next(_sequence):06d}"
            stack.enter_context(registry.registered(phase, hook, name=name))
        yield


@contextmanager
def recording(registry: HookRegistry) -> Iterator[list[Seen]]:
    """Record every before and after hook call of a registry."""
    log: list[Seen] = []
    with hooked(registry, ("before", recorder(log, "before")), ("after", recorder(log, "after"))):
        yield log
