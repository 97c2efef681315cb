"""Error codes of the bom domain (see yuantus.core.error_codes)."""

from __future__ import annotations

from yuantus.core.error_codes import ErrorCode

BOM_LINE_NOT_FOUND = ErrorCode("bom_line_not_found", 404, "no BOM line with that id")
BOM_CYCLE = ErrorCode("bom_cycle", 409, "the line would make the structure contain itself")
DELTA_CONFLICT = ErrorCode(
    "delta_conflict",
    409,
    "delta operations no longer match the target's lines",
)
PARENT_NOT_PART = ErrorCode("parent_not_part", 422, "a BOM parent must be a Part")
CHILD_NOT_PART = ErrorCode("child_not_part", 422, "a BOM child must be a Part")
INVALID_LEVELS = ErrorCode("invalid_levels", 422, "levels must be -1 (unlimited) or >= 0")
INVALID_COMPARE_MODE = ErrorCode(
    "invalid_compare_mode",
    422,
    "an unknown compare_mode; `context.allowed`",
)
INVALID_LINE_KEY = ErrorCode("invalid_line_key", 422, "an unknown line_key; `context.allowed`")
INVALID_EXPORT_FORMAT = ErrorCode(
    "invalid_export_format",
    422,
    "an unknown export_format; `context.allowed`",
)
INVALID_DELTA_OP = ErrorCode(
    "invalid_delta_op",
    422,
    "a delta operation other than add, remove, update",
)
DELTA_NOT_APPLICABLE = ErrorCode(
    "delta_not_applicable",
    422,
    "the delta names no lines it could apply (summarized, or no level/child)",
)
BOM_IMPORT_INVALID = ErrorCode(
    "bom_import_invalid",
    422,
    "the import file has errors; `context.errors` lists each (row, column, code, reason)",
)
BOM_IMPORT_UNREADABLE = ErrorCode(
    "bom_import_unreadable",
    422,
    "the upload is not a CSV or XLSX spreadsheet",
)
STRUCTURE_TOO_LARGE = ErrorCode(
    "structure_too_large",
    413,
    "the answer would hold more rows than YUANTUS_MAX_STRUCTURE_ROWS; `context.rows`",
)
STRUCTURE_TOO_DEEP = ErrorCode(
    "structure_too_deep",
    413,
    "the structure goes deeper than YUANTUS_MAX_BOM_DEPTH; ask fewer `levels`",
)
