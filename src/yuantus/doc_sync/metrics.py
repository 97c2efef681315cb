"""Doc-sync figures in GET /metrics: file bytes moved and document results, per site."""

from __future__ import annotations

from collections import Counter as Tally

from prometheus_client import Counter

SYNC_BYTES = Counter(
    "yuantus_doc_sync_bytes",
    "File bytes a sync attempt of this process sent (push) or received (pull), by site.",
    ["site", "direction"],
)
SYNC_DOCUMENTS = Counter(
    "yuantus_doc_sync_documents",
    "Documents a sync attempt of this process finished, by site, direction and result.",
    ["site", "direction", "result"],
)


def observe_attempt(site: str, direction: str, moved_bytes: int, results: list[str]) -> None:
    """Count one attempt: the bytes it moved itself and each document's result."""
    if moved_bytes > 0:
        SYNC_BYTES.labels(site, direction).inc(moved_bytes)
    for result, count in Tally(results).items():
        SYNC_DOCUMENTS.labels(site, direction, result).inc(count)
