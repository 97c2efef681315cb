"""Users and API tokens."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from yuantus.core import names
from yuantus.core.db import Base, IdMixin, JSONType, TimestampMixin, UTCDateTime, utcnow

ROLES = ("admin", "engineer", "approver", "production", "quality", "viewer", "sync")
# machine roles: a user holding only these may call nothing but their own endpoints
MACHINE_ROLES = frozenset({"sync"})


class User(IdMixin, TimestampMixin, Base):
    """A person (or machine account) that signs in."""

    __tablename__ = "meta_users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    full_name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    roles: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # raised by a password change or a deactivation: a JWT carrying an older one is refused
    credentials_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    def has_role(self, *roles: str) -> bool:
        """True when the user holds one of the roles, or is admin."""
        return "admin" in self.roles or any(r in self.roles for r in roles)


class ApiToken(IdMixin, Base):
    """A machine token; only its sha256 is stored."""

    __tablename__ = "meta_api_tokens"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("meta_users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="tokens")


class LoginThrottle(Base):
    """Recent failed logins of one key ("user:<name>" or "addr:<ip>") and its lockout."""

    __tablename__ = "meta_login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


def _usernames(session: Session, ids: set[str]) -> Mapping[str, tuple[str]]:
    """Usernames by user id (names.ref kind "user")."""
    out: dict[str, tuple[str]] = {}
    for chunk in names.chunks(ids):
        query = select(User.id, User.username).where(User.id.in_(chunk))
        out.update({id_: (username,) for id_, username in session.execute(query)})
    return out


names.register("user", _usernames)
