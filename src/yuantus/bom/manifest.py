"""BOM's registration: BOM lines (copied onto each new revision), explosion, compare, delta."""

from yuantus.core.manifest import DomainManifest
from yuantus.item.copying import revision_copiers


def register_hooks() -> None:
    """A new revision starts with the source revision's BOM lines; releases check them."""
    from yuantus.bom import release_check, service
    from yuantus.item import release_checks

    revision_copiers.register("bom_lines", service.copy_lines, priority=20)
    release_checks.register_structure(release_check.child_configs)


MANIFEST = DomainManifest(
    name="bom",
    api="yuantus.bom.api",
    models="yuantus.bom.models",
    register_hooks=register_hooks,
    demo="yuantus.bom.demo",
)
