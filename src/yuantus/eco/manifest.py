"""ECO's registration: change orders, stages, approvals and the effectivity switch job."""

from yuantus.core.manifest import DomainManifest


def _register_hooks() -> None:
    """The target lock and the target change history, plugged into the item domain."""
    from yuantus.eco import target_lock

    target_lock.register()


MANIFEST = DomainManifest(
    name="eco",
    api="yuantus.eco.api",
    models="yuantus.eco.models",
    task_modules=("yuantus.eco.tasks",),
    demo="yuantus.eco.demo",
    register_hooks=_register_hooks,
)
