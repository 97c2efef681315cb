"""Users, login and API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from yuantus.audit import service as audit
from yuantus.audit.service import Actor
from yuantus.core import error_codes as ec
from yuantus.core import security
from yuantus.core.db import utcnow
from yuantus.core.errors import (
    Conflict,
    InvalidState,
    NotFound,
    Unauthorized,
    Unprocessable,
    not_found,
)
from yuantus.core.orm import get_or_404
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.identity import codes
from yuantus.identity.models import ROLES, ApiToken, User

BAD_CREDENTIALS = "wrong username or password"


def _check_roles(roles: Sequence[str]) -> list[str]:
    """Roles de-duplicated in a stable order; unknown ones refused."""
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise Unprocessable(
            f"unknown roles: {', '.join(unknown)}",
            code=codes.UNKNOWN_ROLE,
            context={"unknown": unknown, "allowed": list(ROLES)},
        )
    return [r for r in ROLES if r in set(roles)]


def get_user(session: Session, user_id: str) -> User:
    """A user by id."""
    return get_or_404(session, User, user_id, codes.USER_NOT_FOUND)


def get_by_username(session: Session, username: str) -> User | None:
    """A user by username, or None."""
    return session.scalar(select(User).where(User.username == username))


def list_users(
    session: Session, page: PageParams, sort: SortOrder | None = None
) -> tuple[list[User], int]:
    """Users ordered by username."""
    return paginate(session, select(User).order_by(User.username), page, sort)


def create_user(
    session: Session,
    username: str,
    password: str | None,
    *,
    email: str | None = None,
    full_name: str | None = None,
    roles: Sequence[str] = (),
    actor: Actor | None = None,
) -> User:
    """A new active user; 409 username_taken when the name is used."""
    if get_by_username(session, username) is not None:
        raise Conflict(
            f"username {username!r} is taken",
            code=codes.USERNAME_TAKEN,
            context={"username": username},
        )
    user = User(
        username=username,
        email=email,
        full_name=full_name,
        password_hash=security.hash_password(password) if password else None,
        roles=_check_roles(roles),
        is_active=True,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        object_type="user",
        object_id=user.id,
        action="created",
        after=_snapshot(user),
        actor=actor,
    )
    return user


def _snapshot(user: User) -> dict[str, object]:
    """What the audit log keeps of a user: never the password hash."""
    return {
        "username": user.username,
        "email": user.email,
        "full_name": user.full_name,
        "roles": list(user.roles),
        "is_active": user.is_active,
    }


def update_user(
    session: Session,
    user: User,
    *,
    roles: Sequence[str] | None = None,
    is_active: bool | None = None,
    password: str | None = None,
    email: str | None = None,
    full_name: str | None = None,
    actor: Actor | None = None,
) -> User:
    """Change a user's roles, activity, password or contact fields; each change is audited."""
    new_roles = _check_roles(roles) if roles is not None else user.roles
    if roles is not None or is_active is not None:
        _lock_active_users(session)
    new_active = user.is_active if is_active is None else is_active
    if "admin" in user.roles and user.is_active and not ("admin" in new_roles and new_active):
        _ensure_another_active_admin(session, user)
    before = _snapshot(user)
    user.roles = new_roles
    user.is_active = new_active
    if password is not None:
        user.password_hash = security.hash_password(password)
    if password is not None or (before["is_active"] and not new_active):
        _revoke_credentials(session, user, actor)
    if email is not None:
        user.email = email
    if full_name is not None:
        user.full_name = full_name
    session.flush()
    _audit_update(session, user, before, _snapshot(user), password is not None, actor)
    return user


def _audit_update(
    session: Session,
    user: User,
    before: dict[str, object],
    after: dict[str, object],
    password_set: bool,
    actor: Actor | None,
) -> None:
    """One audit row per kind of change, so each can be found by its action."""

    def changed(action: str, *fields: str) -> None:
        keys = [f for f in fields if before[f] != after[f]]
        if keys:
            audit.record(
                session,
                object_type="user",
                object_id=user.id,
                action=action,
                before={k: before[k] for k in keys},
                after={k: after[k] for k in keys},
                actor=actor,
            )

    changed("roles_changed", "roles")
    changed("deactivated" if before["is_active"] else "activated", "is_active")
    if password_set:
        # that it changed, by whom and when; never what it is
        audit.record(
            session, object_type="user", object_id=user.id, action="password_set", actor=actor
        )
    changed("updated", "email", "full_name")


def _lock_active_users(session: Session) -> None:
    """Lock the active users' rows (in id order) and reload them: a role or activity change
    then sees every concurrent one committed, so two admins demoting each other at once on
    PostgreSQL cannot both pass the last-admin check (SQLite's BEGIN IMMEDIATE serializes)."""
    query = select(User).where(User.is_active).order_by(User.id).with_for_update()
    session.scalars(query.execution_options(populate_existing=True)).all()


def _revoke_credentials(session: Session, user: User, actor: Actor | None) -> None:
    """End every credential issued so far: JWTs by the epoch, API tokens by revocation."""
    user.credentials_epoch = (user.credentials_epoch or 0) + 1
    open_tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for row in open_tokens:
        _revoke(session, row, actor)
    session.flush()


def _ensure_another_active_admin(session: Session, user: User) -> None:
    """Refuse a change that would leave no active admin (nobody could manage users)."""
    others = session.scalars(select(User).where(User.id != user.id, User.is_active)).all()
    if not any("admin" in other.roles for other in others):
        raise Conflict(
            "this is the last active admin; make another admin first",
            code=codes.LAST_ADMIN,
            context={"user_id": user.id},
        )


def authenticate(session: Session, username: str, password: str) -> User:
    """The active user with these credentials; the same 401 for every failure."""
    user = get_by_username(session, username)
    ok = security.verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        reason = "unknown_user" if user is None else "wrong_password" if not ok else "inactive"
        # the name tried when no such user exists: there is no id to file the attempt under
        object_id = user.id if user is not None else username
        error = Unauthorized(BAD_CREDENTIALS, code=codes.INVALID_CREDENTIALS)
        # the request fails and rolls back, yet the attempt must stay in the audit log
        raise error.persist_after_rollback(
            lambda s: audit.record(
                s,
                object_type="user",
                object_id=object_id,
                action="login_refused",
                after={"username": username, "reason": reason},
            )
        )
    return user


def authenticate_bearer(session: Session, token: str, jwt_secret: str) -> tuple[User, str | None]:
    """The active user behind a JWT or an API token (401 otherwise), and the id of the API
    token whose last-use stamp is due (None for a JWT or a token stamped in the last minute).

    Nothing is written: the caller records the use (record_token_use) in a transaction that
    may write.
    """
    user: User | None
    due: str | None = None
    if token.startswith(security.API_TOKEN_PREFIX):
        row = _api_token(session, token)
        user = row.user
        # one write per minute at most: keeps token use cheap under load
        if row.last_used_at is None or utcnow() - row.last_used_at > timedelta(minutes=1):
            due = row.id
    else:
        user_id, epoch = security.decode_access_claims(token, jwt_secret)
        user = session.get(User, user_id)
        if user is not None and epoch != user.credentials_epoch:
            raise Unauthorized(
                "the token was issued before a password change or deactivation; sign in again",
                code=codes.CREDENTIALS_REVOKED,
            )
    if user is None or not user.is_active:
        raise Unauthorized("the token's user is unknown or inactive", code=codes.INACTIVE_USER)
    return user, due


def _api_token(session: Session, token: str) -> ApiToken:
    """The valid, unrevoked, unexpired API token row of a secret."""
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == security.hash_api_token(token))
    )
    if row is None or row.revoked_at is not None:
        raise Unauthorized("invalid API token", code=ec.INVALID_TOKEN)
    if row.expires_at is not None and row.expires_at <= utcnow():
        raise Unauthorized("API token expired", code=ec.TOKEN_EXPIRED)
    return row


def record_token_use(session: Session, token_id: str) -> None:
    """Stamp an API token's last use now."""
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))


def create_api_token(
    session: Session,
    user: User,
    name: str,
    expires_in_days: int | None = None,
    *,
    actor: Actor | None = None,
) -> tuple[ApiToken, str]:
    """A new API token for the user and its secret (shown once)."""
    secret = security.new_api_token()
    row = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=security.hash_api_token(secret),
        token_prefix=secret[:12],
        expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        object_type="api_token",
        object_id=row.id,
        action="created",
        after={
            "user_id": user.id,
            "username": user.username,
            "name": name,
            "expires_at": row.expires_at,
        },
        actor=actor,
    )
    return row, secret


def list_api_tokens(
    session: Session, user: User, page: PageParams, sort: SortOrder | None = None
) -> tuple[list[ApiToken], int]:
    """The user's API tokens, newest first."""
    query = (
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id)
    )
    return paginate(session, query, page, sort)


def all_api_tokens(session: Session, owner: User | None = None) -> list[ApiToken]:
    """Every API token (of one owner), newest first, with its user loaded (the console's list)."""
    query = select(ApiToken).options(joinedload(ApiToken.user))
    if owner is not None:
        query = query.where(ApiToken.user_id == owner.id)
    return list(session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id)))


def revoke_api_token(session: Session, user: User, token_id: str) -> ApiToken:
    """Revoke one of the user's tokens (admins may revoke any)."""
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != user.id and not user.has_role("admin")):
        raise not_found("api_token", token_id)
    return _revoke(session, row, user)


def revoke_user_token(session: Session, owner: User, token_id: str, *, actor: Actor) -> ApiToken:
    """Revoke one token of the owner (admin); 404 when the owner has no such token."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != owner.id:
        raise not_found("api_token", token_id)
    return _revoke(session, row, actor)


def revoke_api_token_by_console(session: Session, token: str, *, actor: Actor) -> ApiToken:
    """Revoke any token by its id, its prefix or its secret (`yuantus token revoke`)."""
    if token.startswith(security.API_TOKEN_PREFIX) and len(token) > 12:
        # a pasted secret: found by its hash and never repeated in the answer
        where = ApiToken.token_hash == security.hash_api_token(token)
        shown = f"{token[:12]}..."
    else:
        where = (ApiToken.id == token) | (ApiToken.token_prefix == token)
        shown = token
    rows = session.scalars(select(ApiToken).where(where).limit(2)).all()
    if len(rows) != 1:
        raise NotFound(
            f"no single API token {shown}",
            code=codes.API_TOKEN_NOT_FOUND,
            context={"token": shown, "matches": len(rows)},
        )
    return _revoke(session, rows[0], actor)


def _revoke(session: Session, row: ApiToken, actor: Actor | None) -> ApiToken:
    """Stamp the token revoked now, audited; 409 token_revoked when it already is."""
    if row.revoked_at is not None:
        raise InvalidState(
            "token already revoked", code=codes.TOKEN_REVOKED, context={"id": row.id}
        )
    row.revoked_at = utcnow()
    session.flush()
    audit.record(
        session,
        object_type="api_token",
        object_id=row.id,
        action="revoked",
        before={"revoked_at": None},
        after={"user_id": row.user_id, "name": row.name, "revoked_at": row.revoked_at},
        actor=actor,
    )
    return row


def ensure_admin(session: Session, password: str | None) -> str | None:
    """Create the first admin on an empty database; the generated password, if any."""
    if session.scalar(select(User.id).limit(1)) is not None:
        return None
    generated = None if password else secrets.token_urlsafe(12)
    create_user(session, "admin", password or generated, full_name="Administrator", roles=["admin"])
    return generated
