"""Job handlers of doc sync: document_sync_push and document_sync_pull."""

from __future__ import annotations

from typing import Any

from yuantus.doc_sync import transfer
from yuantus.doc_sync.models import PULL_TASK, PUSH_TASK
from yuantus.job.registry import TaskContext, task


@task(PUSH_TASK)
def document_sync_push(ctx: TaskContext) -> dict[str, Any]:
    """Push local document revisions and the files the remote lacks; import them there."""
    return transfer.run(ctx, "push")


@task(PULL_TASK)
def document_sync_pull(ctx: TaskContext) -> dict[str, Any]:
    """Pull the remote's documents, verify every file's sha256, import them here."""
    return transfer.run(ctx, "pull")
