"""Revise copies a revision's content through the copiers domains register (item/copying.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.orm import Session

from tests.item.conftest import Client, Json
from yuantus.core.errors import Conflict
from yuantus.item.copying import RevisionCopiers, revision_copiers
from yuantus.item.models import Item

ITEMS = "/api/v1/items"
calls: list[tuple[str, str, str]] = []


def copy_test_links(_session: Session, source: Item, target: Item) -> None:
    """What a domain above item would copy onto the new revision."""
    calls.append(("test_links", source.revision, target.revision))


def refuse(_session: Session, source: Item, _target: Item) -> None:
    """A copier that cannot copy: the whole revise must fail."""
    raise Conflict("cannot copy", code="copy_refused", context={"source": source.id})


@pytest.fixture
def plugged() -> Iterator[None]:
    """The test copiers are registered only for the test."""
    calls.clear()
    yield
    for name in ("test_links", "refuse"):
        revision_copiers.unregister(name)


def test_the_built_in_copiers_come_from_the_file_bom_and_item_manifests() -> None:
    # doc_sync refuses to revise a replica before anything is copied (priority 0)
    assert revision_copiers.names() == [
        "doc_sync_replica",
        "file_links",
        "bom_lines",
        "document_links",
    ]


def test_one_registration_adds_a_copier_that_runs_in_priority_order(
    as_user: Client, released: Callable[..., Json], plugged: None
) -> None:
    revision_copiers.register("test_links", copy_test_links, priority=40)
    revision_copiers.register("test_links", copy_test_links, priority=40)  # idempotent
    assert revision_copiers.names() == [
        "doc_sync_replica",
        "file_links",
        "bom_lines",
        "document_links",
        "test_links",
    ]
    rev_a = released(name="Cover")
    response = as_user("engineer").post(f"{ITEMS}/{rev_a['id']}/revise")
    assert response.status_code == 201, response.text
    assert calls == [("test_links", "A", "B")]


def test_a_failing_copier_leaves_no_draft(
    as_user: Client, released: Callable[..., Json], plugged: None
) -> None:
    revision_copiers.register("refuse", refuse)
    eng = as_user("engineer")
    rev_a = released(name="Cover")
    response = eng.post(f"{ITEMS}/{rev_a['id']}/revise")
    assert response.status_code == 409
    assert response.json()["detail"]["code"] == "copy_refused"
    assert eng.get(f"{ITEMS}/{rev_a['id']}/revisions").json()["total"] == 1


def test_a_name_belongs_to_one_copier() -> None:
    copiers = RevisionCopiers()
    copiers.register("links", copy_test_links, priority=5)
    copiers.register("early", refuse, priority=1)
    assert copiers.names() == ["early", "links"]
    with pytest.raises(ValueError, match="'links' is already registered"):
        copiers.register("links", refuse)
