"""Request validation errors in the house shape (core/openapi.py documents them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from yuantus.core import error_codes as ec
from yuantus.core.error_json import clip

# query parameters typed as Literal/Enum are the list filters (?state=, ?item_type=, ...)
_FILTER_TYPES = frozenset({"literal_error", "enum"})
# a quantity that is missing is a schema error; one that is there but not > 0 is the quantity rule
_QUANTITY_FIELDS = frozenset({"quantity"})
# a body with thousands of wrong fields answers the first ones
MAX_ERRORS = 50


class FieldError(BaseModel):
    """One failed check: where (`loc`), why (`msg`) and its pydantic error type."""

    loc: list[str | int]
    msg: str
    type: str


class ValidationContext(BaseModel):
    """The field errors; `fields` names the unknown fields of an `unknown_fields` answer."""

    errors: list[FieldError]
    fields: list[str] | None = None
    omitted: int | None = Field(default=None, description="errors not listed (over 50)")


class ValidationDetail(BaseModel):
    """`validation_failed`, `unknown_fields`, `invalid_filter` or `invalid_quantity`."""

    code: str
    message: str
    context: ValidationContext


class ValidationErrorBody(BaseModel):
    """The body of a 422 answer to a request that does not match its schema."""

    detail: ValidationDetail


# fields whose values are secrets: their errors never repeat what was sent, not even inside
# a validator's message (see is_secret_field for the name patterns)
SECRET_FIELDS = frozenset(
    {
        "password",
        "current_password",
        "new_password",
        "old_password",
        "secret",
        "token",
        "access_token",
        "refresh_token",
        "auth_secret",
        "client_secret",
        "api_key",
        "apikey",
        "private_key",
        "passphrase",
        "s3_secret_access_key",
        "secret_access_key",
    }
)
_SECRET_SUFFIXES = ("password", "secret", "_token", "api_key", "passphrase", "private_key")


def is_secret_field(name: str) -> bool:
    """True for a field that carries a secret (password, token, api key, ...)."""
    lowered = name.lower()
    return lowered in SECRET_FIELDS or lowered.endswith(_SECRET_SUFFIXES)


# shorter values are no secret worth the name, and would match messages by coincidence
_MIN_SECRET_CHARS = 4


def _safe_msg(error: Any) -> str:
    """pydantic's message, or a neutral one when it would quote a secret that was sent."""
    msg = str(error.get("msg", ""))
    loc = error.get("loc", ())
    own = any(isinstance(part, str) and is_secret_field(part) for part in loc)
    secrets = _secret_texts(error.get("input"), own)
    if any(text in msg for text in secrets):
        return "invalid value (not repeated: the field holds a secret)"
    return msg


def _secret_texts(value: object, secret: bool) -> set[str]:
    """The strings sent under secret names inside a value (all of it when `secret`)."""
    found: set[str] = set()
    stack: list[tuple[object, bool]] = [(value, secret)]
    while stack:
        item, hidden = stack.pop()
        if isinstance(item, dict):
            stack.extend(
                (v, hidden or (isinstance(k, str) and is_secret_field(k))) for k, v in item.items()
            )
        elif isinstance(item, (list, tuple)):
            stack.extend((v, hidden) for v in item)
        elif hidden and isinstance(item, (str, int, float)) and not isinstance(item, bool):
            text = str(item)
            if len(text) >= _MIN_SECRET_CHARS:
                found.add(text)
    return found


def _loc_part(part: object) -> str | int:
    return part if isinstance(part, int) and not isinstance(part, bool) else clip(str(part), 200)


def field_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Location, message and type of each error; never `input` or `ctx` (they echo the request).

    A message that would quote a secret sent (a validator may) is replaced by a neutral one;
    names and messages are cut to 200 characters, and only the first MAX_ERRORS are listed.
    """
    return [
        {
            "loc": [_loc_part(p) for p in e.get("loc", ())],
            "msg": clip(_safe_msg(e), 200),
            "type": clip(str(e.get("type")), 200),
        }
        for e in errors[:MAX_ERRORS]
    ]


def _concept(error: dict[str, Any]) -> ec.ErrorCode:
    """The catalogue code one pydantic error stands for."""
    loc, kind = error["loc"], error["type"]
    if kind == "extra_forbidden":
        return ec.UNKNOWN_FIELDS
    if loc and loc[0] == "query" and kind in _FILTER_TYPES:
        return ec.INVALID_FILTER
    names = [part for part in loc if isinstance(part, str)]
    if kind != "missing" and names and names[-1] in _QUANTITY_FIELDS:
        return ec.INVALID_QUANTITY
    return ec.VALIDATION_FAILED


def validation_body(errors: Sequence[Any]) -> dict[str, Any]:
    """The house 422 body for pydantic's errors: one code when every error is one concept."""
    cleaned = field_errors(errors)
    concepts = {_concept(e) for e in cleaned}
    code = concepts.pop() if len(concepts) == 1 else ec.VALIDATION_FAILED
    context: dict[str, Any] = {"errors": cleaned}
    if len(errors) > len(cleaned):
        context["omitted"] = len(errors) - len(cleaned)
    if code == ec.UNKNOWN_FIELDS:
        fields = sorted({str(e["loc"][-1]) for e in cleaned})
        context["fields"] = fields
        message = f"unknown fields: {', '.join(fields)}"
    elif code == ec.INVALID_FILTER:
        message = "unknown filter value: " + "; ".join(_where_what(e) for e in cleaned)
    elif code == ec.INVALID_QUANTITY:
        message = "quantity must be a number > 0 with at most 6 decimal places: " + "; ".join(
            _where_what(e) for e in cleaned
        )
    else:
        message = "the request is invalid: " + "; ".join(_where_what(e) for e in cleaned)
    return {"detail": {"code": code, "message": message, "context": context}}


def _where_what(error: dict[str, Any]) -> str:
    return f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
