"""Error codes of the event domain (see yuantus.core.error_codes)."""

from __future__ import annotations

from yuantus.core.error_codes import ErrorCode

WEBHOOK_NOT_FOUND = ErrorCode("webhook_not_found", 404, "no webhook subscription with that id")
DELIVERY_NOT_FOUND = ErrorCode(
    "delivery_not_found", 404, "no delivery with that id for this webhook"
)
INVALID_WEBHOOK_URL = ErrorCode(
    "invalid_webhook_url", 422, "the webhook URL is not an absolute http(s) URL"
)
INVALID_EVENT_PATTERN = ErrorCode(
    "invalid_event_pattern",
    422,
    "an event type pattern is empty or has characters other than letters, digits, `._-*`",
)
WEBHOOK_INACTIVE = ErrorCode("webhook_inactive", 409, "the webhook subscription is inactive")
WEBHOOK_DELIVERY_FAILED = ErrorCode(
    "webhook_delivery_failed", 502, "the receiver was unreachable or answered 5xx/429; retried"
)
WEBHOOK_DELIVERY_REFUSED = ErrorCode(
    "webhook_delivery_refused", 502, "the receiver answered a 4xx other than 429; not retried"
)
