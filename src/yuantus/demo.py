"""Idempotent demo data: each domain's manifest names a demo module with load(session, ctx)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from yuantus.core import manifest
from yuantus.core.demo import DemoContext as DemoContext


def demo_domains() -> list[str]:
    """The names of the loaded domains that have demo data, in loading order."""
    manifest.require_loaded("loading demo data")
    return [domain.name for domain in manifest.loaded() if domain.demo is not None]


def load_demo(
    session: Session,
    settings: Any = None,
    on_loaded: Callable[[str], None] | None = None,
) -> DemoContext:
    """Run every loaded domain's demo loader once, in domain order, in the caller's transaction.

    `on_loaded(domain)` is called after each domain's loader (the CLI's progress bar).
    """
    manifest.require_loaded("loading demo data")
    ctx = DemoContext(settings=settings)
    # order matters: later loaders use what earlier ones created (users, items, BOMs...)
    for domain in manifest.loaded():
        if domain.demo is not None:
            importlib.import_module(domain.demo).load(session, ctx)
            if on_loaded is not None:
                on_loaded(domain.name)
    session.flush()
    return ctx
