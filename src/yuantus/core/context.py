"""Per-request context that code below the HTTP layer may read (no FastAPI import)."""

from __future__ import annotations

from contextvars import ContextVar

# set by core.http.RequestIdMiddleware for the length of one request; "-" outside one
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


def current_request_id() -> str | None:
    """The id of the request being served, or None outside a request (CLI, worker)."""
    value = request_id_var.get()
    return None if value == "-" else value
