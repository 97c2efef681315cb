"""Login throttling kept in the database, so it holds across every worker process.

Each key ("user:<name>", "addr:<ip>") counts its recent failures. Past the free attempts,
each further failure locks the key for base * 2^(n - free) seconds, capped at max. While a
key is locked every login on it is refused with 429 before its password is looked at, so
a correct password does not bypass the lockout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from yuantus.core.db import utcnow
from yuantus.core.errors import TooManyRequests
from yuantus.core.settings import Settings
from yuantus.identity import codes
from yuantus.identity.models import LoginThrottle


@dataclass(frozen=True)
class Policy:
    """The thresholds of the throttle (from settings)."""

    free_per_user: int
    free_per_address: int
    base_seconds: int
    max_seconds: int
    window_seconds: int

    @classmethod
    def of(cls, settings: Settings) -> Policy:
        """The policy the settings configure."""
        return cls(
            settings.login_free_attempts_per_user,
            settings.login_free_attempts_per_address,
            settings.login_lockout_base_seconds,
            settings.login_lockout_max_seconds,
            settings.login_failure_window_seconds,
        )

    def free(self, key: str) -> int:
        """The failures a key may have before it is locked."""
        return self.free_per_user if key.startswith("user:") else self.free_per_address

    def lockout(self, key: str, failures: int) -> timedelta | None:
        """How long a key with this many failures is locked (None: not yet)."""
        over = failures - self.free(key)
        if over < 0:
            return None
        # 2 ** over grows past any cap quickly: stop computing once it is capped
        capped = over > 30
        seconds = self.max_seconds if capped else min(self.base_seconds * 2**over, self.max_seconds)
        return timedelta(seconds=seconds)


def keys(username: str, address: str | None) -> list[str]:
    """The throttle keys of a login attempt (usernames compared case-folded)."""
    out = [f"user:{username.casefold()[:190]}"]
    if address:
        out.append(f"addr:{address[:190]}")
    return out


def check(session: Session, attempt_keys: list[str]) -> None:
    """Refuse (429 login_throttled, Retry-After) while any key of the attempt is locked."""
    now = utcnow()
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(attempt_keys)))
    waits = [r.locked_until - now for r in rows if r.locked_until and r.locked_until > now]
    if waits:
        retry = math.ceil(max(waits).total_seconds())
        raise TooManyRequests(
            f"too many failed logins; retry in {retry} s",
            retry_after=retry,
            code=codes.LOGIN_THROTTLED,
            context={"retry_after": retry},
        )


def record_failure(session: Session, attempt_keys: list[str], policy: Policy) -> int:
    """Count a failure on each key (atomically, racing workers included); the longest lock, s."""
    now = utcnow()
    stale = now - timedelta(seconds=policy.window_seconds)
    longest = 0
    for key in attempt_keys:
        failures = _increment(session, key, now, stale)
        lock = policy.lockout(key, failures)
        if lock is not None:
            until: datetime = now + lock
            row = session.get(LoginThrottle, key, populate_existing=True)
            if row is not None:
                row.locked_until = until
            longest = max(longest, int(lock.total_seconds()))
    session.flush()
    return longest


def _increment(session: Session, key: str, now: datetime, stale: datetime) -> int:
    """failures + 1 in one statement (a stale count restarts at 1); the new count."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    table = LoginThrottle.__table__
    insert = dialect.insert(table).values(key=key, failures=1, last_failure_at=now)
    restart = table.c.last_failure_at < stale
    statement = insert.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "failures": case((restart, 1), else_=table.c.failures + 1),
            "last_failure_at": now,
        },
    ).returning(table.c.failures)
    return int(session.execute(statement).scalar_one())


def clear_user(session: Session, username: str) -> None:
    """Forget the username's failures after a successful login (the address keeps its count)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == keys(username, None)[0]))
