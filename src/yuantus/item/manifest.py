"""Item's registration: Part and Document revisions, their lifecycle and their documents."""

from yuantus.core.manifest import DomainManifest
from yuantus.item.copying import revision_copiers


def register_hooks() -> None:
    """Revise copies document links; every content change of a revision enters its history."""
    from yuantus.item import changes, documents, history

    revision_copiers.register("document_links", documents.copy_links, priority=30)
    changes.register_listener(history.on_revision_change)


MANIFEST = DomainManifest(
    name="item",
    api="yuantus.item.api",
    models="yuantus.item.models",
    register_hooks=register_hooks,
    demo="yuantus.item.demo",
)
