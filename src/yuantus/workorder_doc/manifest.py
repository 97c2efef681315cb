"""Work-order document packs' registration: links, exports, and copying links to new versions."""

from yuantus.core.manifest import DomainManifest


def register_hooks() -> None:
    """A new routing version keeps its document links."""
    from yuantus.manufacturing.hooks import routing_copiers
    from yuantus.workorder_doc.service import copy_links

    routing_copiers["workorder_doc.links"] = copy_links


MANIFEST = DomainManifest(
    name="workorder_doc",
    api="yuantus.workorder_doc.api",
    models="yuantus.workorder_doc.models",
    register_hooks=register_hooks,
    demo="yuantus.workorder_doc.demo",
)
