"""Error codes of the job domain (see yuantus.core.error_codes)."""

from __future__ import annotations

from yuantus.core.error_codes import ErrorCode

JOB_NOT_FOUND = ErrorCode("job_not_found", 404, "no job with that id")
JOB_NOT_PENDING = ErrorCode("job_not_pending", 409, "only a pending job can be canceled")
JOB_NOT_RETRYABLE = ErrorCode(
    "job_not_retryable",
    409,
    "only a failed or canceled job can be retried",
)
DUPLICATE_ACTIVE_JOB = ErrorCode(
    "duplicate_active_job",
    409,
    "another active job holds the dedupe key",
)
JOB_LOST = ErrorCode(
    "job_lost",
    409,
    "the worker no longer owns the job (requeued, canceled or claimed again)",
)
INVALID_PAYLOAD = ErrorCode("invalid_payload", 422, "a job payload that is not a JSON object")
INVALID_PROGRESS = ErrorCode("invalid_progress", 422, "a job progress that is not a JSON object")
NAIVE_DATETIME = ErrorCode("naive_datetime", 422, "a date-time without a zone")
UNKNOWN_TASK_TYPE = ErrorCode(
    "unknown_task_type",
    422,
    "no handler is registered for the task type",
)
INVALID_MAX_ATTEMPTS = ErrorCode("invalid_max_attempts", 422, "max_attempts must be at least 1")
