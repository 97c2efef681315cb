"""Audit's registration: the append-only audit log and its admin endpoint."""

from yuantus.core.manifest import DomainManifest

MANIFEST = DomainManifest(
    name="audit",
    api="yuantus.audit.api",
    models="yuantus.audit.models",
)
