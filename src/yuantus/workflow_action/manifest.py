"""Custom actions' registration: rules run before and after ECO moves/applies and item moves."""

from yuantus.core.manifest import DomainManifest

# before the event log's hook (priority 10,000): the change's event follows its actions
ACTION_HOOK_PRIORITY = 500


def register_hooks() -> None:
    """`_run_custom_actions`: the rules engine on the ECO flow and the item lifecycle."""
    from yuantus.core.hooks import Hook, Phase
    from yuantus.eco.hooks import eco_hooks
    from yuantus.item.service import item_hooks
    from yuantus.workflow_action.engine import after_hook, before_hook

    phases: tuple[tuple[Phase, Hook], ...] = (("before", before_hook), ("after", after_hook))
    for phase, hook in phases:
        eco_hooks.register(
            phase,
            hook,
            name="workflow_action.eco",
            priority=ACTION_HOOK_PRIORITY,
            points=["eco.move", "eco.apply"],
        )
        item_hooks.register(phase, hook, name="workflow_action.item", priority=ACTION_HOOK_PRIORITY)


MANIFEST = DomainManifest(
    name="workflow_action",
    api="yuantus.workflow_action.api",
    models="yuantus.workflow_action.models",
    register_hooks=register_hooks,
    demo="yuantus.workflow_action.demo",
    ops_section="yuantus.workflow_action.ops:ops_section",
)
