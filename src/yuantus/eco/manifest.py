"""ECO's registration: change orders, stages and approvals."""

from yuantus.core.manifest import DomainManifest

MANIFEST = DomainManifest(
    name="eco",
    api="yuantus.eco.api",
    models="yuantus.eco.models",
    demo="yuantus.eco.demo",
)
