"""Helpers shared by the tests of several domains."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def race(*calls: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Run the calls at the same moment in threads; their results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        # callers must not touch the database before this point: on SQLite the first
        # statement takes the write lock, which would serialize the race away
        barrier.wait()
        try:
            results[index] = calls[index]()
        except Exception as exc:
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results


def release_four_eyes(session: Any, item: Any, submitter: Any = None) -> Any:
    """Submit a Draft revision as the engineer (or `submitter`), release it as the approver.

    Four eyes: the demo users must exist (request the `users` fixture).
    """
    from yuantus.identity import service as identity_service
    from yuantus.item import service as item_service

    engineer = submitter or identity_service.get_by_username(session, "engineer")
    approver = identity_service.get_by_username(session, "approver")
    assert engineer is not None, "request the users fixture"
    assert approver is not None, "request the users fixture"
    item = item_service.get(session, item.id)
    if item.state == "Draft":
        item_service.transition(session, item, "submit", engineer)
    return item_service.transition(session, item, "release", approver)
