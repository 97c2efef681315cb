"""Per-request context that code below the HTTP layer may read (no FastAPI import)."""

from __future__ import annotations

from contextvars import ContextVar

# set by core.http.RequestIdMiddleware for the length of one request; "-" outside one
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


def current_request_id() -> str | None:
    """The id of the request being served, or None outside a request (CLI, worker)."""
    value = request_id_var.get()
    return None if value == "-" else value


# what the access log line of the current request knows beyond its path: set to a fresh dict
# by core.observability for one request; a dependency running in the thread pool sees the
# same dict (the context is copied, the dict is shared) and notes the user in it
request_notes_var: ContextVar[dict[str, str] | None] = ContextVar("request_notes", default=None)


def note_request_user(username: str) -> None:
    """Name the signed-in user in the current request's access log line (no-op outside one)."""
    notes = request_notes_var.get()
    if notes is not None:
        notes["user"] = username
