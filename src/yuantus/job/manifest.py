"""Job's registration: the durable queue, its endpoints and the built-in task types."""

from yuantus.core.manifest import DomainManifest

MANIFEST = DomainManifest(
    name="job",
    api="yuantus.job.api",
    models="yuantus.job.models",
    task_modules=("yuantus.job.tasks",),
    ops_section="yuantus.job.ops:ops_section",
    ops_metrics="yuantus.job.ops:ops_metrics",
)
