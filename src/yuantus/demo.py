"""Idempotent demo data: each domain's manifest names a demo module with load(session, ctx)."""

from __future__ import annotations

import importlib
from typing import Any

from sqlalchemy.orm import Session

from yuantus.core import manifest
from yuantus.core.demo import DemoContext as DemoContext


def load_demo(session: Session, settings: Any = None) -> DemoContext:
    """Run every loaded domain's demo loader once, in domain order, in the caller's transaction."""
    manifest.require_loaded("loading demo data")
    ctx = DemoContext(settings=settings)
    # order matters: later loaders use what earlier ones created (users, items, BOMs...)
    for domain in manifest.loaded():
        if domain.demo is not None:
            importlib.import_module(domain.demo).load(session, ctx)
    session.flush()
    return ctx
