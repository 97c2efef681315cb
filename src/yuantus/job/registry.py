"""The task registry: domains declare handlers with @task("name") in their tasks.py.

A domain names its task modules in its manifest (`task_modules`); yuantus.domains.load_domains()
imports them in every process, so the API (which enqueues) and the worker (which runs) know the
same task types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from yuantus.core.settings import Settings


class JobFatalError(Exception):
    """Raised by a handler to fail its job at once, without retry."""


def _no_progress(_data: dict[str, Any]) -> None:
    """Progress sink for a context built outside a worker (tests, direct calls)."""


@dataclass
class TaskContext:
    """What a handler gets: the job's payload and its own session scope."""

    payload: dict[str, Any]
    session: Session
    job_id: str
    attempt: int
    settings: Settings
    task_type: str = ""
    worker_id: str = ""
    report_progress: Callable[[dict[str, Any]], None] = field(default=_no_progress, repr=False)

    def progress(self, data: dict[str, Any]) -> None:
        """Publish progress at once (its own short transaction, visible while the job runs)."""
        self.report_progress(data)


Handler = Callable[[TaskContext], "dict[str, Any] | None"]

_handlers: dict[str, Handler] = {}


def task(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of task type `name`."""

    def register(fn: Handler) -> Handler:
        existing = _handlers.get(name)
        # a module imported twice re-registers the same function: harmless
        if existing is not None and existing.__qualname__ != fn.__qualname__:
            raise ValueError(f"task type {name!r} already has a handler: {existing.__qualname__}")
        _handlers[name] = fn
        return fn

    return register


def get_handler(name: str) -> Handler | None:
    """The handler of a task type, or None when no loaded module registers it."""
    return _handlers.get(name)


def registered_task_types() -> list[str]:
    """Every task type a loaded module registers, sorted."""
    return sorted(_handlers)


class UnknownTaskTypes(ValueError):
    """A worker was asked for task types no loaded module has a handler for."""

    def __init__(self, unknown: list[str], known: list[str]) -> None:
        super().__init__(
            f"no handler for task types {', '.join(unknown)}; known: {', '.join(known)}"
        )
        self.unknown = unknown
        self.known = known


def resolve_task_types(requested: list[str] | None) -> list[str]:
    """The task types a worker claims: those asked for (all known when none); UnknownTaskTypes."""
    known = registered_task_types()
    unknown = sorted(set(requested or ()) - set(known))
    if unknown:
        raise UnknownTaskTypes(unknown, known)
    return sorted(set(requested)) if requested else known
