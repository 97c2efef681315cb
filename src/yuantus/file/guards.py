"""Download guards: other domains may refuse a file's content to a user (e.g. 3D overlays).

A guard is `guard(session, file_id, user) -> None` and raises (403) to refuse. Guards are
registered by domain manifests, so the file domain knows no capability.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from yuantus.identity.models import User

DownloadGuard = Callable[[Session, str, User], None]
_guards: dict[str, DownloadGuard] = {}


def register_download_guard(name: str, guard: DownloadGuard) -> None:
    """Add (or replace) a named guard; idempotent."""
    _guards[name] = guard


def check_download(session: Session, file_id: str, user: User) -> None:
    """Run every guard; the first refusal propagates."""
    for guard in list(_guards.values()):
        guard(session, file_id, user)
