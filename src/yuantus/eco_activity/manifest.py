"""eco_activity's registration: activity gates on the ECO flow and stage-entry templates."""

from yuantus.core.manifest import DomainManifest


def _register_hooks() -> None:
    """The gate before forward moves and applies, templates after moves, waiting_for_me."""
    from yuantus.eco import service as eco_service
    from yuantus.eco_activity import gate, service

    eco_service.eco_gate_hooks.register(
        "before", gate.activity_gate, name="eco_activity.gate", points=("eco.move", "eco.apply")
    )
    eco_service.eco_hooks.register(
        "after", gate.create_stage_activities, name="eco_activity.templates", points=("eco.move",)
    )
    eco_service.register_waiting_source("eco_activity", service.eco_waiting_source)


MANIFEST = DomainManifest(
    name="eco_activity",
    api="yuantus.eco_activity.api",
    models="yuantus.eco_activity.models",
    demo="yuantus.eco_activity.demo",
    register_hooks=_register_hooks,
)
