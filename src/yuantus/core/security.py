"""Passwords (argon2), access tokens (JWT HS256) and API-token hashing."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from yuantus.core import error_codes as ec
from yuantus.core.db import utcnow
from yuantus.core.errors import Unauthorized

API_TOKEN_PREFIX = "ytk_"  # noqa: S105 - a prefix, not a secret
JWT_ALGORITHM = "HS256"
# the user's credentials epoch when the token was issued (identity: User.credentials_epoch)
EPOCH_CLAIM = "cep"

_hasher = PasswordHasher()
# verifying against this keeps a login for an unknown user as slow as for a known one
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Swap the argon2 parameters (tests use a cheap profile to stay fast)."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; constant work even when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def create_access_token(
    user_id: str, secret: str, ttl_minutes: int, **claims: Any
) -> tuple[str, int]:
    """A signed JWT for the user and its lifetime in seconds."""
    now = utcnow()
    ttl = timedelta(minutes=ttl_minutes)
    payload = {"sub": user_id, "iat": now, "exp": now + ttl, "typ": "access", **claims}
    return jwt.encode(payload, secret, algorithm=JWT_ALGORITHM), int(ttl.total_seconds())


def decode_access_token(token: str, secret: str) -> str:
    """The user id in a valid access token; Unauthorized when malformed or expired."""
    return decode_access_claims(token, secret)[0]


def decode_access_claims(token: str, secret: str) -> tuple[str, int]:
    """The user id and credentials epoch (0 when absent) of a valid access token."""
    try:
        payload = jwt.decode(
            token, secret, algorithms=[JWT_ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("access token expired", code=ec.TOKEN_EXPIRED) from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("invalid access token", code=ec.INVALID_TOKEN) from exc
    epoch = payload.get(EPOCH_CLAIM, 0)
    if (
        payload.get("typ") != "access"
        or not isinstance(payload.get("sub"), str)
        or not isinstance(epoch, int)
        or isinstance(epoch, bool)
    ):
        raise Unauthorized("invalid access token", code=ec.INVALID_TOKEN)
    return str(payload["sub"]), epoch


def new_api_token() -> str:
    """A fresh high-entropy API token (shown to its owner once)."""
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_api_token(token: str) -> str:
    """The stored form of an API token: its sha256 (the token has 256 bits of entropy)."""
    return hashlib.sha256(token.encode()).hexdigest()
