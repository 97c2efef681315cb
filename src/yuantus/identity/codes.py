"""Error codes of the identity domain (see yuantus.core.error_codes)."""

from __future__ import annotations

from yuantus.core.error_codes import ErrorCode

USER_NOT_FOUND = ErrorCode("user_not_found", 404, "no user with that id")
API_TOKEN_NOT_FOUND = ErrorCode(
    "api_token_not_found",
    404,
    "no API token with that id (of this user)",
)
INVALID_CREDENTIALS = ErrorCode(
    "invalid_credentials",
    401,
    "wrong username or password, or the user is inactive",
)
INACTIVE_USER = ErrorCode("inactive_user", 401, "the token's user is unknown or inactive")
USERNAME_TAKEN = ErrorCode("username_taken", 409, "another user has that username")
LAST_ADMIN = ErrorCode("last_admin", 409, "the change would leave no active admin")
TOKEN_REVOKED = ErrorCode("token_revoked", 409, "the API token is already revoked")
UNKNOWN_ROLE = ErrorCode("unknown_role", 422, "a role name that does not exist; `context.allowed`")
NO_ROLE = ErrorCode(
    "no_role", 403, "the signed-in user has no role yet and may do nothing; ask an admin for one"
)
LOGIN_THROTTLED = ErrorCode(
    "login_throttled",
    429,
    "too many failed logins for this username or client address; retry after `Retry-After` s",
)
CREDENTIALS_REVOKED = ErrorCode(
    "credentials_revoked",
    401,
    "the access token predates the user's last password change or deactivation; sign in again",
)
