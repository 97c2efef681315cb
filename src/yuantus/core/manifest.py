"""Domain manifests: what a domain contributes (router, models, tasks, hooks), loaded explicitly.

Each domain package has a `manifest.py` with `MANIFEST = DomainManifest(...)`; the ordered
list lives in `yuantus.domains`. The API process, the worker and the CLI call
`yuantus.domains.load_domains()`, which hands the list to `load()` here: every process then
has the same tables, task types and hooks, whatever it happened to import.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast


class DomainsNotLoaded(RuntimeError):
    """Code that depends on registrations ran before the domain list was loaded."""


@dataclass(frozen=True)
class DomainManifest:
    """One domain's registration: module names are imported when the manifest is loaded.

    Modules are named, not imported, so a worker never imports FastAPI routers and the API
    process never needs to import what it does not serve.
    """

    name: str
    # module exposing `router` (an APIRouter), mounted under /api/v1 in DOMAINS order
    api: str | None = None
    # module defining the domain's ORM classes (Base.metadata, Alembic autogenerate)
    models: str | None = None
    # modules declaring job handlers with @task("name")
    task_modules: tuple[str, ...] = ()
    # registers the domain's hooks on other domains' hook points; must be idempotent
    register_hooks: Callable[[], None] | None = None
    # module with load(session, ctx) adding demo data, run in DOMAINS order
    demo: str | None = None
    # "pkg.module:function" hooks, imported only when used, so core and ops import no domain:
    # ops_section(session, window_days) -> OpsSection, its part of GET /ops/summary
    ops_section: str | None = None
    # ops_metrics(session) -> Prometheus metric families computed at scrape (GET /metrics)
    ops_metrics: str | None = None
    # ready_check(settings) -> {check: None, or what is wrong} (GET /health/ready: 503)
    ready_check: str | None = None


_loaded: dict[str, DomainManifest] = {}
_lock = threading.RLock()


def load(manifests: Iterable[DomainManifest]) -> tuple[DomainManifest, ...]:
    """Import each manifest's models and task modules and register its hooks (idempotent)."""
    with _lock:
        for manifest in manifests:
            known = _loaded.get(manifest.name)
            if known is not None:
                if known != manifest:
                    raise ValueError(f"two different manifests are named {manifest.name!r}")
                continue
            for module in (manifest.models, *manifest.task_modules):
                if module is not None:
                    importlib.import_module(module)
            if manifest.register_hooks is not None:
                manifest.register_hooks()
            _loaded[manifest.name] = manifest
        return tuple(_loaded.values())


def resolve(reference: str) -> Callable[..., Any]:
    """The function a "pkg.module:function" hook names (imported now)."""
    module_name, sep, attr = reference.partition(":")
    target = getattr(importlib.import_module(module_name), attr, None) if sep else None
    if not callable(target):
        raise ValueError(f"{reference!r} does not name a function (pkg.module:function)")
    return cast(Callable[..., Any], target)


def hooks(field: str) -> list[tuple[str, Callable[..., Any]]]:
    """(domain, function) of every loaded manifest that sets the hook field, in load order."""
    return [(m.name, resolve(getattr(m, field))) for m in loaded() if getattr(m, field) is not None]


def loaded() -> tuple[DomainManifest, ...]:
    """The manifests loaded in this process, in load order."""
    with _lock:
        return tuple(_loaded.values())


def require_loaded(what: str) -> None:
    """Refuse to run `what` when no domain list was loaded (its hooks would be missing)."""
    if not _loaded:
        raise DomainsNotLoaded(
            f"{what} needs the domain registrations: call yuantus.domains.load_domains() first"
        )
