"""The example domain's one registration: a gate on ECO moves and a task type."""

from yuantus.core.manifest import DomainManifest


def register_hooks() -> None:
    """Put the hold gate on the ECO activity-gate hook point (idempotent)."""
    from tests.core.example_domain.gate import hold_gate
    from yuantus.eco.hooks import eco_gate_hooks

    eco_gate_hooks.register("before", hold_gate)


MANIFEST = DomainManifest(
    name="example",
    task_modules=("tests.core.example_domain.tasks",),
    register_hooks=register_hooks,
)
