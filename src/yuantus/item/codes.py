"""Error codes of the item domain (see yuantus.core.error_codes)."""

from __future__ import annotations

from yuantus.core.error_codes import ErrorCode

ITEM_NOT_FOUND = ErrorCode("item_not_found", 404, "no item revision with that id or number")
ITEM_NUMBER_TAKEN = ErrorCode("item_number_taken", 409, "another item of the type has that number")
REVISION_IN_PROGRESS = ErrorCode(
    "revision_in_progress",
    409,
    "the item already has an open (Draft/InReview) revision",
)
ITEM_FROZEN = ErrorCode(
    "item_frozen",
    409,
    "a Released, Superseded or Obsolete revision cannot change",
)
NOT_REVISABLE = ErrorCode("not_revisable", 409, "only the current released revision can be revised")
NOT_DISCARDABLE = ErrorCode(
    "not_discardable",
    409,
    "only a non-current Draft/InReview successor revision can be discarded",
)
EMPTY_NAME = ErrorCode("empty_name", 422, "the name is empty after trimming")
EMPTY_ITEM_NUMBER = ErrorCode(
    "empty_item_number",
    422,
    "the item number is empty; omit it to have one generated",
)
UNKNOWN_ITEM_TYPE = ErrorCode(
    "unknown_item_type",
    422,
    "an item type other than Part or Document; `context.allowed`",
)
REVISION_SCHEDULED = ErrorCode(
    "revision_scheduled",
    409,
    "a revision of the item is released to take effect later; wait for it or cancel its ECO",
)
NOT_SCHEDULED = ErrorCode(
    "not_scheduled",
    409,
    "the revision is not released to take effect later",
)
CHILDREN_NOT_RELEASED = ErrorCode(
    "children_not_released",
    409,
    "a release needs every BOM child and linked document Released; `context.children` "
    "lists the others bottom-up with their paths",
)
FOUR_EYES_REQUIRED = ErrorCode(
    "four_eyes_required",
    409,
    "a direct release needs an approver who did not submit the revision; `context.reason`",
)
NOT_A_PART = ErrorCode("not_a_part", 422, "documents link to Part revisions only")
NOT_A_DOCUMENT = ErrorCode(
    "not_a_document", 422, "the linked item (or where-used) must be a Document"
)
DOCUMENT_ALREADY_LINKED = ErrorCode(
    "document_already_linked", 409, "the part revision already links that document in that role"
)
DOCUMENT_LINK_NOT_FOUND = ErrorCode(
    "document_link_not_found", 404, "no such document link on the part revision"
)
UNKNOWN_DOCUMENT_ROLE = ErrorCode(
    "unknown_document_role",
    422,
    "a document link role other than drawing, specification, model or other",
)
DOCUMENT_REFERENCE_REQUIRED = ErrorCode(
    "document_reference_required", 422, "give exactly one of document_id and document_config_id"
)
UNKNOWN_REVISION_RULE = ErrorCode(
    "unknown_revision_rule", 422, "`rule` is not one of latest, released, as_of; `context.allowed`"
)
INVALID_AS_OF = ErrorCode(
    "invalid_as_of",
    422,
    "`as_of` is not an ISO 8601 time with a UTC offset, or it contradicts `rule`",
)
INVALID_PROPERTY_FILTER = ErrorCode(
    "invalid_property_filter",
    422,
    "a `prop.<key>` filter with an empty or malformed key (letters, digits, `_`, `-`; 1-64)",
)
