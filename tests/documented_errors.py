"""Test-only ASGI middleware: an error status a route answers must be in /openapi.json.

The `app` fixture adds it to every test application, so any test that provokes a 4xx the
OpenAPI document does not declare for that operation fails, naming the operation.
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# (method, path regex, path template) -> documented statuses; every test app is the same
_documented: list[tuple[str, re.Pattern[str], str, frozenset[str]]] = []


def _load(app: FastAPI) -> None:
    if _documented:
        return
    rows = []
    for template, operations in app.openapi()["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
        for method, op in operations.items():
            rows.append((template.count("{"), method.upper(), pattern, template, op["responses"]))
    # literal segments first: /eco/stages before /eco/{eco_id}
    for _, method, pattern, template, answers in sorted(rows, key=lambda r: r[0]):
        _documented.append((method, pattern, template, frozenset(answers)))


def undocumented(method: str, path: str, status: int) -> str | None:
    """`METHOD template: status` when the operation does not declare the status, else None."""
    for known_method, pattern, template, statuses in _documented:
        if known_method == method and pattern.match(path):
            return None if str(status) in statuses else f"{method} {template}: {status}"
    return None  # not an API operation (docs pages, assets)


class DocumentedErrors:
    """ASGI middleware failing the request (and so the test) on an undeclared 4xx answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request through; check the answer's status on its way out."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def checked(message: Message) -> None:
            if message["type"] == "http.response.start" and 400 <= message["status"] < 500:
                problem = undocumented(scope["method"], scope["path"], message["status"])
                assert problem is None, f"undocumented error answer: {problem}"
            await send(message)

        await self.app(scope, receive, checked)


def check_documented_errors(app: FastAPI) -> FastAPI:
    """Add the check to a test application (before it serves its first request)."""
    _load(app)
    app.add_middleware(DocumentedErrors)
    return app
