"""Breakage's registration: incidents, metrics, exports and the helpdesk sync task."""

from yuantus.core.manifest import DomainManifest

MANIFEST = DomainManifest(
    name="breakage",
    api="yuantus.breakage.api",
    models="yuantus.breakage.models",
    task_modules=("yuantus.breakage.tasks",),
    demo="yuantus.breakage.demo",
    ops_section="yuantus.breakage.ops:ops_section",
)
