"""Prometheus metrics: what each process counts, and what a scrape computes from the database.

Counters and histograms live in the process that observes them (API requests, job outcomes
in whichever process runs the worker). Several processes on one host (uvicorn --workers N,
API and workers side by side) share them through prometheus-client's multiprocess mode:
set PROMETHEUS_MULTIPROC_DIR to an empty directory for all of them (docs/operations.md).
Queue depth and age are read from the database at each scrape, so every API process
answers the same numbers whichever one Prometheus reaches.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session

from yuantus.core import manifest

log = logging.getLogger("yuantus.metrics")
CONTENT_TYPE = CONTENT_TYPE_LATEST
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# request latencies of a PLM API: most reads answer in milliseconds, exports take seconds
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_JOB_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0)

HTTP_REQUESTS = Counter(
    "yuantus_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "yuantus_http_request_duration_seconds",
    "Time from the request's arrival to the end of its answer, by method and route template.",
    ["method", "route"],
    buckets=_LATENCY_BUCKETS,
)
LOGIN_FAILURES = Counter(
    "yuantus_login_failures",
    "Refused logins: invalid_credentials (401) or throttled (429).",
    ["reason"],
)
JOB_OUTCOMES = Counter(
    "yuantus_job_outcomes",
    "Job attempts finished by this process: completed, retry (backoff), failed, lost.",
    ["task_type", "outcome"],
)
JOB_DURATION = Histogram(
    "yuantus_job_duration_seconds",
    "Time a job handler ran, by task type.",
    ["task_type"],
    buckets=_JOB_BUCKETS,
)

MetricsHook = Callable[[Session], Iterable[Metric]]


class _ProcessCollector(Collector):
    """This process's own registry, re-exposed inside a scrape's registry."""

    def collect(self) -> Iterable[Metric]:
        """The default registry's metrics."""
        return REGISTRY.collect()


class _DatabaseCollector(Collector):
    """Every loaded manifest's ops_metrics hook, run on one read-only session."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self.session_factory = session_factory

    def collect(self) -> Iterator[Metric]:
        """The hooks' metric families; a failing hook shows as scrape_error, not a 500."""
        errors = GaugeMetricFamily(
            "yuantus_scrape_error",
            "1 when a domain's scrape-time metrics could not be read from the database.",
            labels=["domain"],
        )
        with self.session_factory() as session:
            for domain, hook in manifest.hooks("ops_metrics"):
                try:
                    families = list(hook(session))
                except Exception:
                    log.exception("metrics of %s could not be computed", domain)
                    session.rollback()
                    errors.add_metric([domain], 1)
                    continue
                errors.add_metric([domain], 0)
                yield from families
        yield errors


def render(session_factory: Callable[[], Session]) -> bytes:
    """The Prometheus text exposition of this process (or all, in multiprocess mode) and
    the database-derived metrics."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROC_ENV):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ProcessCollector())
    registry.register(_DatabaseCollector(session_factory))
    return generate_latest(registry)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request (and a refused login)."""
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route).observe(seconds)
    if route.endswith("/auth/login") and method == "POST" and status in (401, 429):
        LOGIN_FAILURES.labels("invalid_credentials" if status == 401 else "throttled").inc()


def observe_job(task_type: str, outcome: str, seconds: float | None) -> None:
    """Count one finished job attempt."""
    JOB_OUTCOMES.labels(task_type, outcome).inc()
    if seconds is not None:
        JOB_DURATION.labels(task_type).observe(seconds)


def gauge(name: str, documentation: str, labels: list[str]) -> GaugeMetricFamily:
    """A scrape-time gauge family for an ops_metrics hook."""
    return GaugeMetricFamily(name, documentation, labels=labels)
