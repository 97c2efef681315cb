"""Standard Webhooks signatures: HMAC-SHA256 over `id.timestamp.body`, keyed by a whsec_ secret.

See https://www.standardwebhooks.com: the sender adds `webhook-id`, `webhook-timestamp` and
`webhook-signature: v1,<base64 mac>`; a receiver recomputes the MAC with the shared secret and
refuses old timestamps. The id stays the same across retries of one message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

PREFIX = "whsec_"


def generate_secret() -> str:
    """A new random signing secret (24 bytes) in the whsec_ form."""
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def secret_key(secret: str) -> bytes:
    """The key bytes of a whsec_ secret; ValueError when it is not valid base64."""
    try:
        return base64.b64decode(secret.removeprefix(PREFIX), validate=True)
    except ValueError as exc:
        raise ValueError("the signing secret is not a whsec_<base64> value") from exc


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `v1,<base64>` signature of one message."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    mac = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def signed_headers(
    secret: str, message_id: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    """The three Standard Webhooks headers for a body."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": signature(secret, message_id, ts, body),
    }
