"""Document sync's registration: sites, sync jobs, inbound endpoints, replica guard, auto-push."""

from yuantus.core.manifest import DomainManifest


def register_hooks() -> None:
    """The replica read-only guard and the auto-push on release."""
    from yuantus.doc_sync import autopush, guard

    guard.register()
    autopush.register()


MANIFEST = DomainManifest(
    name="doc_sync",
    api="yuantus.doc_sync.api",
    models="yuantus.doc_sync.models",
    task_modules=("yuantus.doc_sync.tasks",),
    register_hooks=register_hooks,
    demo="yuantus.doc_sync.demo",
    ops_section="yuantus.doc_sync.ops:ops_section",
)
