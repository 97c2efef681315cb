"""What a new revision inherits: domains above item register copiers through their manifests.

`revise` opens revision B from A and then runs every registered copier, so item never
imports the domains whose rows hang off a revision (file links, BOM lines, document links).
A domain adds one line to its manifest's `register_hooks`:

    revision_copiers.register("bom_lines", copy_lines, priority=20)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from yuantus.core import manifest
from yuantus.item.models import Item

RevisionCopier = Callable[[Session, Item, Item], None]


@dataclass(frozen=True)
class _Entry:
    name: str
    priority: int
    copier: RevisionCopier


class RevisionCopiers:
    """Named copiers run in (priority, name) order when a revision is opened from another."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    def register(self, name: str, copier: RevisionCopier, *, priority: int = 100) -> None:
        """Add a copier under a unique name; registering the same one again is a no-op."""
        existing = self._entries.get(name)
        if existing is not None and existing.copier is not copier:
            raise ValueError(f"revision copier {name!r} is already registered")
        self._entries[name] = _Entry(name, priority, copier)

    def unregister(self, name: str) -> None:
        """Remove a copier if present (tests)."""
        self._entries.pop(name, None)

    def names(self) -> list[str]:
        """The registered copiers, in the order they run."""
        return [e.name for e in self._ordered()]

    def run(self, session: Session, source: Item, target: Item) -> None:
        """Copy the source revision's content onto the target, copier by copier."""
        # without the manifests, a revise would silently drop BOM lines and file links
        manifest.require_loaded("copying a revision's content")
        for entry in self._ordered():
            entry.copier(session, source, target)

    def _ordered(self) -> list[_Entry]:
        return sorted(self._entries.values(), key=lambda e: (e.priority, e.name))


revision_copiers = RevisionCopiers()
