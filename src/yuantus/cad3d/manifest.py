"""3D overlays' registration: overlays, lookups, extraction and the file download guard."""

from yuantus.core.manifest import DomainManifest


def register_hooks() -> None:
    """A restricted overlay guards its document's files."""
    from yuantus.cad3d.guards import overlay_download_guard
    from yuantus.file.guards import register_download_guard

    register_download_guard("cad3d.overlay_visibility", overlay_download_guard)


MANIFEST = DomainManifest(
    name="cad3d",
    api="yuantus.cad3d.api",
    models="yuantus.cad3d.models",
    register_hooks=register_hooks,
    demo="yuantus.cad3d.demo",
    ops_section="yuantus.cad3d.ops:ops_section",
)
