"""Idempotent demo data: each domain adds its part through a `demo` module with load()."""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

# order matters: later loaders use what earlier ones created (users, items, BOMs...)
DEMO_MODULES = (
    "yuantus.identity.demo",
    "yuantus.item.demo",
    "yuantus.bom.demo",
    "yuantus.manufacturing.demo",
    "yuantus.eco.demo",
)


@dataclass
class DemoContext:
    """What the loaders share: demo users and named objects, and lines to print."""

    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)


def load_demo(session: Session) -> DemoContext:
    """Run every domain's demo loader once, in order, in the caller's transaction."""
    ctx = DemoContext()
    for name in DEMO_MODULES:
        if importlib.util.find_spec(name) is None:
            continue
        importlib.import_module(name).load(session, ctx)
    session.flush()
    return ctx
