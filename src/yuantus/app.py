"""create_app(): routers, error handlers, lifespan."""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from yuantus import __version__
from yuantus.core import docs_ui, observability, openapi, webapp
from yuantus.core.db import Database
from yuantus.core.health import router as health_router
from yuantus.core.http import RequestIdMiddleware, install_error_handlers
from yuantus.core.inputs import InputGuardMiddleware, InputLimits
from yuantus.core.query import StrictQuery
from yuantus.core.settings import Settings
from yuantus.domains import load_domains

API_PREFIX = "/api/v1"


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    run_worker: bool = False,
) -> FastAPI:
    """The Yuantus ASGI application."""
    settings = settings or Settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    settings.secrets  # noqa: B018 - fail fast on missing production secrets
    from yuantus.eco.effectivity import effectivity_settings

    effectivity_settings()  # fail fast on an unknown YUANTUS_EFFECTIVITY_TIMEZONE
    db = database or Database(settings)
    # the same registrations as every worker and CLI command: routers, tasks, hooks
    manifests = load_domains(settings.extra_domains)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop_worker: Callable[[], None] | None = None
        if run_worker:
            from yuantus.job.runner import start_embedded_worker

            stop_worker = start_embedded_worker(db, settings)
        try:
            yield
        finally:
            if stop_worker is not None:
                stop_worker()
            if database is None:
                db.dispose()

    app = FastAPI(
        title="Yuantus PLM",
        version=__version__,
        description="Parts, documents, BOMs, ECOs and manufacturing data under revision control.",
        lifespan=lifespan,
        # every route refuses a query parameter it does not declare (422 unknown_parameter)
        dependencies=[StrictQuery],
        # served from installed assets by core/docs_ui.py, never from a CDN
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    install_error_handlers(app)
    openapi.install(app)
    docs_ui.install(app)
    webapp.install(app)
    # inner to the access log and the request id: its refusals are logged and carry the id
    app.add_middleware(InputGuardMiddleware, limits=InputLimits.of(settings))
    observability.install(app)  # inside the request id: access log, metrics, GET /metrics
    app.add_middleware(RequestIdMiddleware)
    app.include_router(health_router, prefix=API_PREFIX)
    for manifest in manifests:
        if manifest.api is not None:
            module = importlib.import_module(manifest.api)
            app.include_router(module.router, prefix=API_PREFIX)
    return app
