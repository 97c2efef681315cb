"""HTTP plumbing: the transactional route class, request ids and error rendering."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yuantus.core import error_codes as ec
from yuantus.core.context import request_id_var as request_id_var  # re-exported
from yuantus.core.error_json import ErrorResponse
from yuantus.core.errors import TooManyRequests, YuantusError
from yuantus.core.rollback import write_in_new_transaction
from yuantus.core.validation import validation_body

log = logging.getLogger("yuantus.http")
SESSION_KEY = "db_session"

_HTTP_CODES = {
    400: ec.BAD_REQUEST,
    401: ec.NOT_AUTHENTICATED,
    403: ec.PERMISSION_DENIED,
    404: ec.NOT_FOUND,
    405: ec.METHOD_NOT_ALLOWED,
    413: ec.PAYLOAD_TOO_LARGE,
}


def error_body(code: str, message: str, context: dict[str, Any] | None = None) -> dict[str, Any]:
    """The structured error body every error uses."""
    return {"detail": {"code": code, "message": message, "context": context or {}}}


class TransactionalRoute(APIRoute):
    """One request = one transaction: commit when the endpoint returns, roll back on error.

    After the rollback, the writes the error carries (core/rollback.py) run in a fresh
    transaction, and the original error is answered.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler with commit / rollback / close of the request session."""
        handler = super().get_route_handler()

        async def transactional_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except BaseException as exc:
                await _finish(request, commit=False)
                if isinstance(exc, YuantusError) and exc.after_rollback:
                    factory = request.app.state.db.session_factory
                    await run_in_threadpool(write_in_new_transaction, factory, exc)
                raise
            await _finish(request, commit=True)
            return response

        return transactional_handler


async def _finish(request: Request, *, commit: bool) -> None:
    """Commit or roll back, then close, the session the request opened (if any)."""
    session: Session | None = getattr(request.state, SESSION_KEY, None)
    if session is None:
        return
    delattr(request.state, SESSION_KEY)

    def done() -> None:
        try:
            if commit:
                session.commit()
            else:
                session.rollback()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    await run_in_threadpool(done)


class RequestIdMiddleware:
    """Tags each request with an id (X-Request-ID) and turns crashes into a clean 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request with its id; answer 500 without internals on an unexpected error."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        # echoed in a response header: control characters there would break the answer
        usable = incoming.isascii() and incoming.isprintable()
        request_id = incoming[:64] if incoming and usable else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error, request_id=%s path=%s", request_id, scope.get("path"))
            if started:
                raise
            body = error_body(
                ec.INTERNAL_ERROR, "internal server error", {"request_id": request_id}
            )
            await ErrorResponse(body, status_code=500)(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


def install_error_handlers(app: FastAPI) -> None:
    """Render domain, HTTP, integrity and request-validation errors in the one structured shape."""

    async def on_domain_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, YuantusError)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        if isinstance(exc, TooManyRequests):
            headers = {"Retry-After": str(exc.retry_after)}
        return ErrorResponse(exc.to_body(), status_code=exc.status_code, headers=headers)

    async def on_http_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if isinstance(exc.detail, dict) and "code" in exc.detail:
            body = {"detail": exc.detail}
        else:
            code = _HTTP_CODES.get(exc.status_code, ec.HTTP_ERROR)
            body = error_body(code, str(exc.detail))
        return ErrorResponse(body, status_code=exc.status_code, headers=exc.headers)

    async def on_integrity_error(_request: Request, exc: Exception) -> Response:
        # services check rules first; this is the loser of a race the database settled
        log.info("integrity conflict: %s", exc)
        body = error_body(
            ec.INTEGRITY_CONFLICT,
            "the change conflicts with data written at the same time; reload and retry",
        )
        return ErrorResponse(body, status_code=409)

    app.add_exception_handler(YuantusError, on_domain_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(IntegrityError, on_integrity_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)


async def on_validation_error(_request: Request, exc: Exception) -> Response:
    """422 in the house shape; the field errors never echo the request's values."""
    assert isinstance(exc, RequestValidationError)
    return ErrorResponse(validation_body(exc.errors()), status_code=422)
