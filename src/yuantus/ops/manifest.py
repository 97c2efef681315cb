"""Ops' registration: the overview endpoint; the sections come from the other manifests."""

from yuantus.core.manifest import DomainManifest

MANIFEST = DomainManifest(name="ops", api="yuantus.ops.api")
