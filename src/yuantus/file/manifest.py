"""File's registration: stored files, item-file links (copied onto each new revision)."""

from yuantus.core.manifest import DomainManifest
from yuantus.item.copying import revision_copiers


def register_hooks() -> None:
    """A new revision starts with the source revision's file links, in the same roles."""
    from yuantus.file import service

    revision_copiers.register("file_links", service.copy_links, priority=10)


MANIFEST = DomainManifest(
    name="file",
    api="yuantus.file.api",
    models="yuantus.file.models",
    register_hooks=register_hooks,
    ready_check="yuantus.file.ops:ready_checks",
)
