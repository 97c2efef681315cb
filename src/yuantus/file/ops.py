"""File store readiness for GET /health/ready: a probe blob is written, read and deleted."""

from __future__ import annotations

import logging
import secrets

from yuantus.core.settings import Settings
from yuantus.file.storage import get_storage

log = logging.getLogger("yuantus.file.ops")


def ready_checks(settings: Settings) -> dict[str, str | None]:
    """{"storage": None} when the store takes a write, else what failed (no path, no secret)."""
    return {"storage": _storage_problem(settings)}


def _storage_problem(settings: Settings) -> str | None:
    # random content: a content-addressed store must never share (and then lose) a real blob
    probe = b"yuantus readiness probe " + secrets.token_bytes(16)
    try:
        storage = get_storage(settings)
        blob = storage.put(probe)
        storage.delete(blob.key)
    except Exception as exc:
        log.warning("storage readiness probe failed: %s", type(exc).__name__)
        return f"storage not writable: {type(exc).__name__}"
    return None
