"""Secrets at rest: MultiFernet over the configured keys (the first encrypts, all decrypt).

Rotation: put the new key first in YUANTUS_ENCRYPTION_KEYS, keep the old ones after it,
re-encrypt (`rotate`), then drop the old keys.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from yuantus.core.settings import Settings


class SecretUnreadable(Exception):
    """A stored secret none of the configured keys decrypts."""


def cipher(settings: Settings) -> MultiFernet:
    """The MultiFernet of the configured (or dev-generated) keys."""
    return MultiFernet([Fernet(key) for key in settings.secrets.encryption_keys])


def encrypt(settings: Settings, plain: str) -> str:
    """Encrypt a secret with the first key."""
    return cipher(settings).encrypt(plain.encode()).decode()


def decrypt(settings: Settings, token: str) -> str:
    """Decrypt a stored secret; SecretUnreadable when no key opens it."""
    try:
        return cipher(settings).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("no configured encryption key decrypts the stored secret") from exc


def rotate(settings: Settings, token: str) -> str:
    """Re-encrypt a stored secret under the first key."""
    try:
        return cipher(settings).rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("no configured encryption key decrypts the stored secret") from exc
