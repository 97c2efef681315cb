"""Manufacturing's registration: work centers, routings, operations and work orders."""

from yuantus.core.manifest import DomainManifest

MANIFEST = DomainManifest(
    name="manufacturing",
    api="yuantus.manufacturing.api",
    models="yuantus.manufacturing.models",
    demo="yuantus.manufacturing.demo",
)
