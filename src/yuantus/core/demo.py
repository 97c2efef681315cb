"""What the demo loaders of the domains share (each domain's demo module has load())."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoContext:
    """What the loaders share: demo users and named objects, and lines to print."""

    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)
    # the service's settings (the encryption keys for stored secrets); None in bare tests
    settings: Any = None
