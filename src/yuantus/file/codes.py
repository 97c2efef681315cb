"""Error codes of the file domain (see yuantus.core.error_codes)."""

from __future__ import annotations

from yuantus.core.error_codes import ErrorCode

FILE_NOT_FOUND = ErrorCode("file_not_found", 404, "no file with that id")
ITEM_FILE_NOT_FOUND = ErrorCode("item_file_not_found", 404, "no such file link on the item")
FILE_CONTENT_MISSING = ErrorCode(
    "file_content_missing",
    404,
    "the file's row exists but its content is missing from storage",
)
FILE_ALREADY_ATTACHED = ErrorCode(
    "file_already_attached",
    409,
    "the file is already attached to the revision in that role",
)
UNKNOWN_FILE_ROLE = ErrorCode(
    "unknown_file_role",
    422,
    "a file role other than native, viewable, printout, attachment",
)
INVALID_FILE_NAME = ErrorCode(
    "invalid_file_name",
    422,
    "an upload's file name or content type holds control characters (CR, LF, NUL, ...)",
)
