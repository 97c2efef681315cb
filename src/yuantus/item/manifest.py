"""Item's registration: Part and Document revisions, their lifecycle and their documents."""

from yuantus.core.manifest import DomainManifest
from yuantus.item.copying import revision_copiers


def register_hooks() -> None:
    """A new revision starts with the source revision's document links."""
    from yuantus.item import documents

    revision_copiers.register("document_links", documents.copy_links, priority=30)


MANIFEST = DomainManifest(
    name="item",
    api="yuantus.item.api",
    models="yuantus.item.models",
    register_hooks=register_hooks,
    demo="yuantus.item.demo",
)
