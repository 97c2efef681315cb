"""Error codes of the doc_sync domain (see yuantus.core.error_codes)."""

from __future__ import annotations

from yuantus.core.error_codes import ErrorCode

REMOTE_SITE_NOT_FOUND = ErrorCode("remote_site_not_found", 404, "no remote site with that id")
SYNC_JOB_NOT_FOUND = ErrorCode("sync_job_not_found", 404, "no document sync job with that id")
DOCUMENT_NOT_FOUND = ErrorCode(
    "document_not_found", 404, "a document id is unknown here; `context.missing` lists them"
)
BLOB_NOT_FOUND = ErrorCode("blob_not_found", 404, "no file content with that sha256 here")
REMOTE_SITE_INACTIVE = ErrorCode(
    "remote_site_inactive", 409, "the remote site is inactive: activate it before syncing"
)
REPLICA_READ_ONLY = ErrorCode(
    "replica_read_only",
    409,
    "the revision is a replica of another site's document: only its origin site changes it; "
    "`context.origin_site`",
)
INVALID_SITE_ENDPOINT = ErrorCode(
    "invalid_site_endpoint", 422, "the endpoint is not an absolute http(s) root URL"
)
SHA256_MISMATCH = ErrorCode(
    "sha256_mismatch",
    422,
    "the bytes received do not hash to the sha256 they were sent as; nothing was stored",
)
SYNC_REMOTE_UNAVAILABLE = ErrorCode(
    "sync_remote_unavailable", 502, "the remote site was unreachable or answered 5xx; retried"
)
SYNC_REMOTE_REFUSED = ErrorCode(
    "sync_remote_refused", 502, "the remote site refused the call (4xx); not retried"
)
