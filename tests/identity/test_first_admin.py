"""The first start of an empty database creates an admin, once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from yuantus.identity import service


def test_generated_admin_password_is_returned_once_and_works(session: Session) -> None:
    generated = service.ensure_admin(session, None)
    assert generated
    assert len(generated) >= 12
    assert service.authenticate(session, "admin", generated).roles == ["admin"]
    assert service.ensure_admin(session, None) is None


def test_configured_admin_password_is_used(session: Session) -> None:
    assert service.ensure_admin(session, "from-the-environment") is None
    assert service.authenticate(session, "admin", "from-the-environment").username == "admin"


def test_no_admin_is_added_when_users_exist(session: Session) -> None:
    service.create_user(session, "first", "longenough", roles=["engineer"])
    assert service.ensure_admin(session, None) is None
    assert service.get_by_username(session, "admin") is None
