"""Remote sites: upsert by name, change, probe, and re-encrypt their tokens under a new key."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.audit import service as audit
from yuantus.audit.service import Actor
from yuantus.core.crypto import SecretUnreadable, encrypt, rotate
from yuantus.core.db import utcnow
from yuantus.core.errors import Unprocessable, YuantusError
from yuantus.core.orm import get_or_404
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.settings import Settings
from yuantus.core.sorting import SortOrder
from yuantus.doc_sync import codes
from yuantus.doc_sync.client import RemoteClient
from yuantus.doc_sync.models import RemoteSite
from yuantus.doc_sync.schemas import SiteCreate, SiteHealthRead, SiteRead, SiteUpdate

OBJECT_TYPE = "REMOTE_SITE"


def check_endpoint(url: str) -> str:
    """An absolute http(s) root URL with a host and no query; 422 invalid_site_endpoint."""
    value = url.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise Unprocessable(
            "the endpoint must be the other site's absolute http(s) root URL (no query)",
            code=codes.INVALID_SITE_ENDPOINT,
            context={"endpoint": url},
        )
    if value.endswith("/api/v1"):
        # the service adds it: a root ending in it would call /api/v1/api/v1/...
        value = value[: -len("/api/v1")]
    return value


def read(site: RemoteSite) -> SiteRead:
    """The answer of a site: `secret_configured`, never the token."""
    return SiteRead(
        id=site.id,
        name=site.name,
        endpoint=site.endpoint,
        auth_mode=site.auth_mode,
        secret_configured=bool(site.auth_secret_ciphertext),
        is_active=site.is_active,
        auto_push=site.auto_push,
        metadata=dict(site.site_metadata or {}),
        last_health_status=site.last_health_status,  # type: ignore[arg-type]
        last_health_error=site.last_health_error,
        last_health_at=site.last_health_at,
        created_at=site.created_at,
        updated_at=site.updated_at,
    )


def _audited(site: RemoteSite) -> dict[str, Any]:
    """What the audit row keeps of a site: no token, only whether there is one."""
    return {
        "name": site.name,
        "endpoint": site.endpoint,
        "is_active": site.is_active,
        "auto_push": site.auto_push,
        "secret_configured": bool(site.auth_secret_ciphertext),
    }


def upsert(
    session: Session, settings: Settings, body: SiteCreate, user: Actor
) -> tuple[RemoteSite, bool]:
    """Create the site, or replace the one of that name; answers whether it was created."""
    endpoint = check_endpoint(body.endpoint)
    site = session.scalar(select(RemoteSite).where(RemoteSite.name == body.name).with_for_update())
    created = site is None
    before = None if site is None else _audited(site)
    if site is None:
        site = RemoteSite(name=body.name, created_by=getattr(user, "id", None))
        session.add(site)
    site.endpoint = endpoint
    site.auth_mode = body.auth_mode
    site.auth_secret_ciphertext = encrypt(settings, body.auth_secret.get_secret_value())
    site.is_active = body.is_active
    site.auto_push = body.auto_push
    site.site_metadata = dict(body.metadata)
    site.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        object_type=OBJECT_TYPE,
        object_id=site.id,
        action="created" if created else "replaced",
        before=before,
        after=_audited(site),
        actor=user,
    )
    return site, created


def get_site(session: Session, site_id: str) -> RemoteSite:
    """A site by id; 404 remote_site_not_found."""
    return get_or_404(session, RemoteSite, site_id, codes.REMOTE_SITE_NOT_FOUND)


def list_page(
    session: Session, sort: SortOrder, page: PageParams, is_active: bool | None
) -> tuple[Sequence[RemoteSite], int]:
    """One page of sites."""
    query = select(RemoteSite)
    if is_active is not None:
        query = query.where(RemoteSite.is_active.is_(is_active))
    rows, total = paginate(session, sort.apply(query), page)
    return rows, total


def update(
    session: Session, settings: Settings, site: RemoteSite, body: SiteUpdate, user: Actor
) -> RemoteSite:
    """Apply a PATCH: endpoint, token (replaced), is_active, auto_push, metadata."""
    before = _audited(site)
    changes = body.model_dump(exclude_unset=True)
    if "endpoint" in changes:
        site.endpoint = check_endpoint(changes["endpoint"])
    if body.auth_secret is not None:
        site.auth_secret_ciphertext = encrypt(settings, body.auth_secret.get_secret_value())
    for field in ("is_active", "auto_push"):
        if field in changes:
            setattr(site, field, changes[field])
    if "metadata" in changes:
        site.site_metadata = dict(changes["metadata"])
    site.updated_at = utcnow()
    session.flush()
    after = _audited(site)
    if "auth_secret" in changes:
        after["secret_replaced"] = True
    audit.record(
        session,
        object_type=OBJECT_TYPE,
        object_id=site.id,
        action="updated",
        before=before,
        after=after,
        actor=user,
    )
    return site


def probe(site: RemoteSite, settings: Settings, timeout_s: float) -> SiteHealthRead:
    """Call the remote's /health, then its authenticated /doc-sync/inbound/whoami."""
    started = time.perf_counter()
    remote_name: str | None = None
    error: str | None = None
    try:
        client = RemoteClient(site, settings, timeout=timeout_s)
        client.request("GET", "/health", authenticated=False)
        answer = client.request("GET", "/doc-sync/inbound/whoami").json()
        remote_name = str(answer.get("site_name")) if isinstance(answer, dict) else None
    except YuantusError as exc:
        error = exc.message
    except (SecretUnreadable, ValueError) as exc:  # an unreadable token, a non-JSON answer
        error = f"{type(exc).__name__}: {exc}"[:2000]
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    return SiteHealthRead(
        site_id=site.id,
        status="unhealthy" if error else "healthy",
        error=error,
        remote_site_name=remote_name,
        elapsed_ms=elapsed,
        checked_at=utcnow(),
    )


def record_health(
    session: Session, site: RemoteSite, result: SiteHealthRead, actor: Actor | None
) -> None:
    """Keep the probe's outcome on the site, with an audit row of the change."""
    before = _health(site)
    site.last_health_status = result.status
    site.last_health_error = result.error
    site.last_health_at = result.checked_at
    session.flush()
    audit.record(
        session,
        object_type=OBJECT_TYPE,
        object_id=site.id,
        action="health_checked",
        before=before,
        after=_health(site) | {"elapsed_ms": result.elapsed_ms},
        actor=actor,
    )


def _health(site: RemoteSite) -> dict[str, Any]:
    return {
        "last_health_status": site.last_health_status,
        "last_health_error": site.last_health_error,
        "last_health_at": site.last_health_at.isoformat() if site.last_health_at else None,
    }


def rotate_keys(session: Session, settings: Settings) -> int:
    """Re-encrypt every site's token under the first configured key; how many."""
    sites = session.scalars(select(RemoteSite).order_by(RemoteSite.name).with_for_update()).all()
    for site in sites:
        site.auth_secret_ciphertext = rotate(settings, site.auth_secret_ciphertext)
        # the row says that the ciphertext changed, never what it holds
        audit.record(
            session,
            object_type=OBJECT_TYPE,
            object_id=site.id,
            action="secret_reencrypted",
            after={"name": site.name, "secret_configured": True},
        )
    session.flush()
    return len(sites)
