"""Identity's registration: users, roles and API tokens, /auth endpoints."""

from yuantus.core.manifest import DomainManifest

MANIFEST = DomainManifest(
    name="identity",
    api="yuantus.identity.api",
    models="yuantus.identity.models",
    demo="yuantus.identity.demo",
)
