"""Rule `released` in the bulk lookups: the Released revision in effect, never a scheduled one."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import release_four_eyes
from yuantus.core.db import Database, utcnow
from yuantus.identity.models import User
from yuantus.item import lookups
from yuantus.item import service as item_service


def test_a_scheduled_release_is_not_the_released_revision_until_it_takes_effect(
    database: Database, users: dict[str, User]
) -> None:
    with database.scope() as s:
        doc = item_service.create(s, "Document", "Frame drawing", user=users["engineer"])
        release_four_eyes(s, doc)
        rev_b = item_service.revise(s, doc, users["engineer"])
        item_service.transition(s, rev_b, "submit", users["engineer"])
        item_service.transition(
            s, rev_b, "release", users["approver"], effective_from=utcnow() + timedelta(days=7)
        )
        config, rev_a_id = doc.config_id, doc.id
    with database.scope() as s:
        assert item_service.get(s, rev_b.id).state == "Released"  # scheduled, not current
        chosen = lookups.released_by_config(s, [config])
        assert {c: i.revision for c, i in chosen.items()} == {config: "A"}
        assert chosen[config].id == rev_a_id
