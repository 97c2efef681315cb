"""Consumption's registration: plans, actuals, variance, dashboard and the backflush hook."""

from yuantus.consumption.feeding import register_hooks
from yuantus.core.manifest import DomainManifest

MANIFEST = DomainManifest(
    name="consumption",
    api="yuantus.consumption.api",
    models="yuantus.consumption.models",
    register_hooks=register_hooks,
    demo="yuantus.consumption.demo",
    ops_section="yuantus.consumption.ops:ops_section",
)
