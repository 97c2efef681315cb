"""POST /auth/login's work: throttle, verify the password outside any write transaction, audit.

The argon2 check takes tens of milliseconds by design; on SQLite a write transaction holds
the database-wide write lock, so the check runs after a read-only look-up and before the
short write that records the outcome.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from yuantus.audit import service as audit
from yuantus.core import security
from yuantus.core.db import Database
from yuantus.core.errors import Unauthorized
from yuantus.identity import codes, throttle
from yuantus.identity.models import LoginThrottle, User
from yuantus.identity.service import BAD_CREDENTIALS, get_by_username

# argon2 is CPU- and memory-bound by design: a storm of logins hashing on every core at once
# starves every other request of CPU. At most half the cores hash; the other logins wait as
# coroutines (holding no worker thread of the request threadpool, which reads need)
_HASHERS = ThreadPoolExecutor(max(1, (os.cpu_count() or 2) // 2), thread_name_prefix="argon2")


@dataclass(frozen=True)
class Account:
    """What a login needs of a user, read in a transaction that is over before hashing."""

    id: str
    password_hash: str | None
    is_active: bool
    credentials_epoch: int


async def login(
    database: Database,
    username: str,
    password: str,
    address: str | None,
    policy: throttle.Policy,
) -> Account:
    """The account of these credentials; 429 while throttled, 401 (audited) when wrong."""
    keys = throttle.keys(username, address)
    account, had_failures = await run_in_threadpool(_look_up, database, username, keys)
    stored = account.password_hash if account else None
    checked = _HASHERS.submit(security.verify_password, stored, password)
    ok = await asyncio.wrap_future(checked)
    if account is None or not ok or not account.is_active:
        reason = "unknown_user" if account is None else "wrong_password" if not ok else "inactive"
        await run_in_threadpool(_refuse, database, username, address, account, reason, keys, policy)
    assert account is not None  # for mypy: _refuse always raises
    if had_failures:
        await run_in_threadpool(_clear, database, username)
    return account


def _look_up(database: Database, username: str, keys: list[str]) -> tuple[Account | None, bool]:
    """In a read-only transaction: refuse a throttled attempt, else the account (if any) and
    whether its username has failures on record."""
    with database.session(read_only=True) as session:
        throttle.check(session, keys)
        account = _account(get_by_username(session, username))
        had_failures = session.get(LoginThrottle, keys[0]) is not None
        session.rollback()
    return account, had_failures


def _clear(database: Database, username: str) -> None:
    """Forget the username's failures (a short write transaction)."""
    with database.scope() as session:
        throttle.clear_user(session, username)


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
