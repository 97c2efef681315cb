"""POST /auth/login's work: throttle, verify the password outside any write transaction, audit.

The argon2 check takes tens of milliseconds by design; on SQLite a write transaction holds
the database-wide write lock, so the check runs after a read-only look-up and before the
short write that records the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

from yuantus.audit import service as audit
from yuantus.core import security
from yuantus.core.db import Database
from yuantus.core.errors import Unauthorized
from yuantus.identity import codes, throttle
from yuantus.identity.models import LoginThrottle, User
from yuantus.identity.service import BAD_CREDENTIALS, get_by_username


@dataclass(frozen=True)
class Account:
    """What a login needs of a user, read in a transaction that is over before hashing."""

    id: str
    password_hash: str | None
    is_active: bool
    credentials_epoch: int


def login(
    database: Database,
    username: str,
    password: str,
    address: str | None,
    policy: throttle.Policy,
) -> Account:
    """The account of these credentials; 429 while throttled, 401 (audited) when wrong."""
    keys = throttle.keys(username, address)
    with database.session(read_only=True) as session:
        throttle.check(session, keys)
        user = get_by_username(session, username)
        account = _account(user)
        had_failures = session.get(LoginThrottle, keys[0]) is not None
        session.rollback()
    ok = security.verify_password(account.password_hash if account else None, password)
    if account is None or not ok or not account.is_active:
        reason = "unknown_user" if account is None else "wrong_password" if not ok else "inactive"
        _refuse(database, username, address, account, reason, keys, policy)
    assert account is not None  # for mypy: _refuse always raises
    if had_failures:
        with database.scope() as session:
            throttle.clear_user(session, username)
    return account


def _account(user: User | None) -> Account | None:
    """The plain values of a user (usable after its session closed)."""
    if user is None:
        return None
    return Account(user.id, user.password_hash, user.is_active, user.credentials_epoch)


def _refuse(
    database: Database,
    username: str,
    address: str | None,
    account: Account | None,
    reason: str,
    keys: list[str],
    policy: throttle.Policy,
) -> None:
    """Count the failure, audit it and raise the one 401 of every failure."""
    with database.scope() as session:
        locked_for = throttle.record_failure(session, keys, policy)
        audit.record(
            session,
            object_type="user",
            # the name tried when no such user exists: there is no id to file the attempt under
            object_id=account.id if account is not None else username,
            action="login_refused",
            after={
                "username": username,
                "reason": reason,
                "client_address": address,
                "locked_for_seconds": locked_for,
            },
        )
    raise Unauthorized(BAD_CREDENTIALS, code=codes.INVALID_CREDENTIALS)
