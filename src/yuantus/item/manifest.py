"""Item's registration: Part and Document revisions and their lifecycle."""

from yuantus.core.manifest import DomainManifest

MANIFEST = DomainManifest(
    name="item",
    api="yuantus.item.api",
    models="yuantus.item.models",
    demo="yuantus.item.demo",
)
