"""The domain list: one ordered registration per domain, loaded alike by every process.

A new domain adds its package with a `manifest.py` and one line to DOMAINS (or, for a
plugin or a test, names its manifest module in YUANTUS_EXTRA_DOMAINS). The API app
(routers), the metadata (Alembic, tests), the job worker (task types), the CLI and the demo
loader all go through load_domains(); see docs/architecture.md.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from yuantus.audit.manifest import MANIFEST as AUDIT
from yuantus.bom.manifest import MANIFEST as BOM
from yuantus.breakage.manifest import MANIFEST as BREAKAGE
from yuantus.cad3d.manifest import MANIFEST as CAD3D
from yuantus.consumption.manifest import MANIFEST as CONSUMPTION
from yuantus.core.manifest import DomainManifest, load
from yuantus.doc_sync.manifest import MANIFEST as DOC_SYNC
from yuantus.eco.manifest import MANIFEST as ECO
from yuantus.eco_activity.manifest import MANIFEST as ECO_ACTIVITY
from yuantus.event.manifest import MANIFEST as EVENT
from yuantus.file.manifest import MANIFEST as FILE
from yuantus.identity.manifest import MANIFEST as IDENTITY
from yuantus.item.manifest import MANIFEST as ITEM
from yuantus.job.manifest import MANIFEST as JOB
from yuantus.manufacturing.manifest import MANIFEST as MANUFACTURING
from yuantus.ops.manifest import MANIFEST as OPS
from yuantus.workflow_action.manifest import MANIFEST as WORKFLOW_ACTION
from yuantus.workorder_doc.manifest import MANIFEST as WORKORDER_DOC

# bottom-up, as the layers stack (docs/architecture.md): routers are mounted and demo data
# loaded in this order, so a later domain's demo can use an earlier one's objects
DOMAINS: tuple[DomainManifest, ...] = (
    AUDIT,
    IDENTITY,
    ITEM,
    FILE,
    BOM,
    JOB,
    MANUFACTURING,
    ECO,
    ECO_ACTIVITY,
    EVENT,
    WORKFLOW_ACTION,
    BREAKAGE,
    CAD3D,
    WORKORDER_DOC,
    CONSUMPTION,
    DOC_SYNC,
    # last: its overview collects every other manifest's ops_section
    OPS,
)

# tables core itself owns (number sequences)
CORE_MODELS = ("yuantus.core.sequences",)


def manifest_from(reference: str) -> DomainManifest:
    """The manifest a reference names: "pkg.module" (its MANIFEST) or "pkg.module:attr"."""
    module_name, _, attr = reference.partition(":")
    value = getattr(importlib.import_module(module_name), attr or "MANIFEST", None)
    if not isinstance(value, DomainManifest):
        raise ValueError(f"{reference!r} does not name a DomainManifest")
    return value


def load_domains(extra: Sequence[str] | None = None) -> tuple[DomainManifest, ...]:
    """Load DOMAINS, then the extra manifests (default: YUANTUS_EXTRA_DOMAINS); idempotent.

    YUANTUS_JOB_TASK_MODULES (task modules only, the older setting) still works: each module
    it names is loaded as a manifest of its own.
    """
    from yuantus.core.settings import Settings
    from yuantus.job.config import JobSettings

    for module in CORE_MODELS:
        importlib.import_module(module)
    references = Settings().extra_domains if extra is None else list(extra)
    task_only = [
        DomainManifest(name=f"tasks:{module}", task_modules=(module,))
        for module in JobSettings().task_modules
    ]
    return load((*DOMAINS, *(manifest_from(r) for r in references), *task_only))


def describe() -> dict[str, Any]:
    """What this process has loaded: domains, task types, hooks and revision copiers."""
    from yuantus.core import manifest
    from yuantus.core.hooks import registered_hooks
    from yuantus.item.copying import revision_copiers
    from yuantus.job.registry import registered_task_types

    return {
        "domains": [m.name for m in manifest.loaded()],
        "task_types": registered_task_types(),
        # a hook point nobody registered on may not even be imported in a worker
        "hooks": {
            registry: [{"phase": p, "name": n, "priority": prio} for p, n, prio in hooks]
            for registry, hooks in sorted(registered_hooks().items())
            if hooks
        },
        "revision_copiers": revision_copiers.names(),
    }
