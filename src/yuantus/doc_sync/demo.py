"""Demo site: plant-2, registered and probed (offline: the probe records it unhealthy)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.doc_sync import sites
from yuantus.doc_sync.models import RemoteSite
from yuantus.doc_sync.schemas import SiteCreate

if TYPE_CHECKING:
    from yuantus.core.demo import DemoContext

# the discard port: nothing listens, so the probe fails at once and offline
DEMO_ENDPOINT = "http://127.0.0.1:9"
DEMO_SITE = "plant-2"


def load(session: Session, ctx: DemoContext) -> None:
    """Register plant-2 (inactive until it exists) and record one real, failing probe."""
    admin = ctx.users.get("admin")
    site = session.scalar(select(RemoteSite).where(RemoteSite.name == DEMO_SITE))
    if site is None and admin is not None and ctx.settings is not None:
        body = SiteCreate(
            name=DEMO_SITE,
            endpoint=DEMO_ENDPOINT,
            # a placeholder: replace it with plant-2's sync token (PATCH auth_secret)
            auth_secret=SecretStr("demo-placeholder-token"),
            is_active=False,
            metadata={"location": "plant 2, slow link", "demo": True},
        )
        site, _ = sites.upsert(session, ctx.settings, body, admin)
        probed = sites.probe(site, ctx.settings, timeout_s=0.5)
        sites.record_health(session, site, probed, admin)
    if site is not None:
        ctx.report.append(
            f"  doc sync: site {DEMO_SITE} at {site.endpoint} "
            f"(inactive; last probe {site.last_health_status})"
        )
