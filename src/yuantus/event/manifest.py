"""The event domain's registration: the event log, webhooks and the delivery task."""

from yuantus.core.manifest import DomainManifest


def register_hooks() -> None:
    """Every ECO, item, routing and work-order transition writes its event."""
    from yuantus.eco.hooks import eco_hooks
    from yuantus.event import transitions
    from yuantus.item.service import item_hooks
    from yuantus.manufacturing.hooks import routing_hooks, workorder_hooks

    transitions.register([eco_hooks, item_hooks, routing_hooks, workorder_hooks])


MANIFEST = DomainManifest(
    name="event",
    api="yuantus.event.api",
    models="yuantus.event.models",
    task_modules=("yuantus.event.tasks",),
    register_hooks=register_hooks,
    demo="yuantus.event.demo",
    ops_section="yuantus.event.ops:ops_section",
)
