"""Per-request access log line and metrics, and the GET /metrics endpoint."""

from __future__ import annotations

import hmac
import logging
import time
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yuantus.core import logging_json, metrics
from yuantus.core.context import request_id_var, request_notes_var
from yuantus.core.deps import DatabaseDep, SettingsDep
from yuantus.core.errors import Unauthorized
from yuantus.core.openapi import raises

access_log = logging.getLogger("yuantus.access")
# an unmatched path (404, a scanner) must not create one time series per URL
UNMATCHED = "unmatched"


def route_of(scope: Scope) -> str:
    """The matched route's full template (/api/v1/items/{item_id}), never the raw path.

    FastAPI hands the route as declared in its router (/items/{item_id}); the prefix it was
    mounted under is the part of the path before where the route's pattern matches.
    """
    route = scope.get("route")
    template = getattr(route, "path_format", None)
    if not isinstance(template, str):
        return UNMATCHED
    pattern, path = getattr(route, "path_regex", None), scope.get("path", "")
    if pattern is not None:
        for index, char in enumerate(path):
            if char == "/" and pattern.match(path[index:]):
                return f"{path[:index]}{template}"
    return template


class ObservabilityMiddleware:
    """Time each HTTP request; count it by route template and write one access log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request; observe its status and duration when it is done."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        notes: dict[str, str] = {}
        token = request_notes_var.set(notes)

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            request_notes_var.reset(token)
            seconds = time.perf_counter() - started
            route = route_of(scope)
            metrics.observe_request(scope["method"], route, status, seconds)
            client = scope.get("client")
            access_log.info(
                "%s %s %d %.1f ms",
                scope["method"],
                route,
                status,
                seconds * 1000,
                extra={
                    "request_id": request_id_var.get(),
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "user": notes.get("user"),
                    "client": client[0] if client else None,
                },
            )


_bearer = HTTPBearer(auto_error=False, description="the value of YUANTUS_METRICS_TOKEN")


@raises(401)
def require_metrics_token(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """401 unless the bearer token equals YUANTUS_METRICS_TOKEN (unset: nobody may scrape)."""
    expected = settings.metrics_token
    if expected is None:
        # like every other endpoint, closed unless configured: an operator opts in
        raise Unauthorized("GET /metrics is off: set YUANTUS_METRICS_TOKEN and send it as Bearer")
    given = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized("GET /metrics needs the metrics token: Authorization: Bearer <token>")


router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    response_class=Response,
    dependencies=[Depends(require_metrics_token)],
    responses={200: {"content": {metrics.CONTENT_TYPE: {}}, "description": "Prometheus text."}},
)
def get_metrics(db: DatabaseDep) -> Response:
    """Prometheus metrics: requests, latencies, logins, job outcomes, queue depth and age."""
    body = metrics.render(lambda: db.session(read_only=True))
    return Response(body, media_type=metrics.CONTENT_TYPE)


def install(app: FastAPI) -> None:
    """The access log and metrics middleware, the log format, and GET /metrics (no prefix)."""
    settings = app.state.settings
    logging_json.configure(settings.log_format)
    app.add_middleware(ObservabilityMiddleware)
    app.include_router(router)
