"""A refused overlay lookup leaves an audit row (after the rollback) that the overview counts."""

from __future__ import annotations

from sqlalchemy import select

from tests.cad3d.conftest import API, Client, Model, model, overlay_body
from yuantus.audit.models import AuditEvent
from yuantus.cad3d.service import ACCESS_REFUSED
from yuantus.core.db import Database

__all__ = ["model"]  # the fixture, imported for this module


def test_refusals_are_audited_and_counted(
    as_user: Client, model: Model, database: Database
) -> None:
    overlays = f"{API}/cad-3d/overlays"
    created = as_user("engineer").post(overlays, json=overlay_body(model, ["engineer"]))
    assert created.status_code == 201, created.text
    viewer = as_user("viewer")
    url = f"{overlays}/{model.ids['MODEL']}"
    assert viewer.get(url).status_code == 403
    assert viewer.get(f"{url}/components/ASSY/FRAME").status_code == 403
    assert viewer.get(f"{API}/files/{model.file_id}/content").status_code == 403
    assert as_user("engineer").get(url).status_code == 200  # allowed: no row
    with database.scope() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action == ACCESS_REFUSED)).all()
        assert [(r.actor_name, r.object_id, r.after) for r in rows] == [
            ("viewer", created.json()["id"], {"roles": ["viewer"]})
        ] * 3
    summary = as_user("admin").get(f"{API}/ops/summary", params={"window_days": 1})
    figures = summary.json()["sections"]["cad3d"]["figures"]
    assert figures["lookups_refused"] == 3
    assert figures["top_users"] == [{"username": "viewer", "refused": 3}]
