"""Error codes of 3D overlays (see yuantus.core.error_codes)."""

from __future__ import annotations

from yuantus.core.error_codes import ErrorCode

OVERLAY_NOT_FOUND = ErrorCode("overlay_not_found", 404, "the document has no 3D overlay")
OVERLAY_ACCESS_DENIED = ErrorCode(
    "overlay_access_denied",
    403,
    "the overlay (and its document's files) is visible only to `context.visibility_roles`",
)
COMPONENT_NOT_FOUND = ErrorCode(
    "component_not_found", 404, "the overlay has no component with that ref"
)
DUPLICATE_COMPONENT_REF = ErrorCode(
    "duplicate_component_ref", 422, "two components share a ref (refs compare trimmed, any case)"
)
NOT_GLTF = ErrorCode("not_gltf", 422, "the viewable file is not a glTF or GLB model")
NO_VIEWABLE = ErrorCode("no_viewable_file", 409, "the document has no `viewable` file to read")
TOO_MANY_REFS = ErrorCode("too_many_refs", 413, "a batch resolve takes at most 5,000 refs")
