"""Calls to another site's API with its token: network errors and 5xx retry, 4xx refuse.

The token goes only into the Authorization header of the request: never into an error
message, a log line or a job payload (the errors name the method, path and status).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from yuantus.core.crypto import decrypt
from yuantus.core.errors import YuantusError
from yuantus.core.settings import Settings
from yuantus.doc_sync import codes
from yuantus.doc_sync.config import SyncSettings
from yuantus.doc_sync.models import RemoteSite
from yuantus.job.registry import JobFatalError

API_PREFIX = "/api/v1"
# one pooled client per process: a sync streams many files to the same site over kept-alive
# connections instead of opening one per request
_client = httpx.Client(headers={"user-agent": "Yuantus doc-sync"}, follow_redirects=False)


class RemoteUnavailable(YuantusError):
    """The remote was unreachable or answered 5xx/429: the queue retries with backoff."""

    status_code = 502


class RemoteRefused(JobFatalError, YuantusError):
    """The remote answered a 4xx (bad token, refused import): retrying does not help."""

    status_code = 502


def _reason(response: httpx.Response) -> str:
    """The remote's error code and message when it answered the structured body."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return ""
    if isinstance(detail, dict):
        return f": {detail.get('code')}: {str(detail.get('message'))[:300]}"
    return ""


class RemoteClient:
    """The API of one remote site, authenticated with its (decrypted) token."""

    def __init__(self, site: RemoteSite, settings: Settings, timeout: float | None = None) -> None:
        self.site_name = site.name
        self.base = site.endpoint.rstrip("/") + API_PREFIX
        self.timeout = timeout if timeout is not None else SyncSettings().doc_sync_timeout_s
        self._auth = {"authorization": f"Bearer {decrypt(settings, site.auth_secret_ciphertext)}"}

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | Iterable[bytes] | None = None,
        files: Any = None,
        authenticated: bool = True,
    ) -> httpx.Response:
        """One call; 2xx answered, else RemoteUnavailable (retry) or RemoteRefused (4xx)."""
        headers = dict(self._auth) if authenticated else {}
        if content is not None:
            headers["content-type"] = "application/octet-stream"
        try:
            response = _client.request(
                method,
                self.base + path,
                json=json,
                content=content,
                files=files,
                headers=headers,
                timeout=self.timeout,
            )
        except httpx.HTTPError as exc:
            raise RemoteUnavailable(
                f"{self.site_name} unreachable on {method} {path}: {type(exc).__name__}: {exc}",
                code=codes.SYNC_REMOTE_UNAVAILABLE,
                context={"site": self.site_name},
            ) from exc
        return self._checked(response, method, path)

    def _checked(self, response: httpx.Response, method: str, path: str) -> httpx.Response:
        status = response.status_code
        if status < 400:
            return response
        message = f"{self.site_name} answered {status} on {method} {path}{_reason(response)}"
        context = {"site": self.site_name, "status": status}
        if status >= 500 or status == 429:
            raise RemoteUnavailable(message, code=codes.SYNC_REMOTE_UNAVAILABLE, context=context)
        raise RemoteRefused(message, code=codes.SYNC_REMOTE_REFUSED, context=context)

    @contextmanager
    def stream(self, path: str) -> Iterator[httpx.Response]:
        """A streamed GET (a file download): the open response, checked like request()."""
        try:
            with _client.stream(
                "GET", self.base + path, headers=self._auth, timeout=self.timeout
            ) as response:
                if response.status_code >= 400:
                    response.read()
                yield self._checked(response, "GET", path)
        except httpx.HTTPError as exc:
            raise RemoteUnavailable(
                f"{self.site_name} unreachable on GET {path}: {type(exc).__name__}: {exc}",
                code=codes.SYNC_REMOTE_UNAVAILABLE,
                context={"site": self.site_name},
            ) from exc
