"""Job's registration: the durable queue, its endpoints and the built-in task types."""

from yuantus.core.manifest import DomainManifest

MANIFEST = DomainManifest(
    name="job",
    api="yuantus.job.api",
    models="yuantus.job.models",
    task_modules=("yuantus.job.tasks",),
)
