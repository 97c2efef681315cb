"""Key rotation: the stored site tokens re-encrypt under the new first key."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import select

from tests.conftest import make_settings
from yuantus.audit.models import AuditEvent
from yuantus.core.crypto import SecretUnreadable, decrypt
from yuantus.core.db import Database
from yuantus.core.settings import Settings
from yuantus.doc_sync import sites
from yuantus.doc_sync.models import RemoteSite
from yuantus.doc_sync.schemas import SiteCreate
from yuantus.identity.models import User


def test_rotate_keys_reencrypts_every_site_token(
    database: Database, settings: Settings, users: dict[str, User], backend_url: str
) -> None:
    body = SiteCreate(name="plant-2", endpoint="http://127.0.0.1:9", auth_secret=SecretStr("t-1"))
    with database.scope() as s:
        site_id = sites.upsert(s, settings, body, users["admin"])[0].id
    new_key = Fernet.generate_key().decode()
    old_key = settings.secrets.encryption_keys[0]
    both = make_settings(settings.data_dir, backend_url, encryption_keys=[new_key, old_key])
    only_new = make_settings(settings.data_dir, backend_url, encryption_keys=[new_key])
    with database.scope() as s:
        site = s.get(RemoteSite, site_id)
        assert site is not None
        with pytest.raises(SecretUnreadable):
            decrypt(only_new, site.auth_secret_ciphertext)
        assert sites.rotate_keys(s, both) == 1
    with database.scope() as s:
        site = s.get(RemoteSite, site_id)
        assert site is not None
        assert decrypt(only_new, site.auth_secret_ciphertext) == "t-1"
        rows = s.scalars(
            select(AuditEvent).where(
                AuditEvent.object_id == site_id, AuditEvent.action == "secret_reencrypted"
            )
        ).all()
        assert [r.after for r in rows] == [{"name": "plant-2", "secret_configured": True}]
