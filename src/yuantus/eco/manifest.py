"""ECO's registration: change orders, stages, approvals and the effectivity switch job."""

from yuantus.core.manifest import DomainManifest

MANIFEST = DomainManifest(
    name="eco",
    api="yuantus.eco.api",
    models="yuantus.eco.models",
    task_modules=("yuantus.eco.tasks",),
    demo="yuantus.eco.demo",
)
