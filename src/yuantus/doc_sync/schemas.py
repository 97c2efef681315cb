"""Request and answer shapes of doc sync: sites (the token is write-only), jobs, the wire format."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, SecretStr, StringConstraints

from yuantus.core.schemas import PatchSchema, Schema

SiteName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[\w.-]+$")
]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
DocRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Direction = Literal["push", "pull"]
HealthStatus = Literal["healthy", "unhealthy"]
DocumentResult = Literal["created", "updated", "unchanged", "failed"]
# the queue's job statuses (yuantus.job.models.JOB_STATUSES); a failed job is a dead letter
SyncJobStatus = Literal["pending", "processing", "completed", "failed", "canceled"]


class SiteCreate(Schema):
    """A remote site, created or (same name) replaced."""

    name: SiteName
    endpoint: str = Field(max_length=2000, description="the other site's root URL, no /api/v1")
    auth_mode: Literal["token"] = "token"
    auth_secret: SecretStr = Field(description="the other site's API token (role sync)")
    is_active: bool = True
    auto_push: bool = Field(default=False, description="push every document released here")
    metadata: dict[str, Any] = Field(default_factory=dict)


class SiteUpdate(PatchSchema):
    """Fields to change; a new auth_secret replaces the stored one."""

    endpoint: str | None = Field(default=None, max_length=2000)
    auth_secret: SecretStr | None = None
    is_active: bool | None = None
    auto_push: bool | None = None
    metadata: dict[str, Any] | None = None


class SiteRead(BaseModel):
    """A remote site; its token is never answered, only whether one is configured."""

    id: str
    name: str
    endpoint: str
    auth_mode: str
    secret_configured: bool
    is_active: bool
    auto_push: bool
    metadata: dict[str, Any]
    last_health_status: HealthStatus | None
    last_health_error: str | None
    last_health_at: datetime | None
    created_at: datetime
    updated_at: datetime


class SiteHealthRead(BaseModel):
    """A health probe: the remote's /health and one authenticated call, both timed."""

    site_id: str
    status: HealthStatus
    error: str | None
    remote_site_name: str | None = Field(description="the name the remote answers for itself")
    elapsed_ms: float
    checked_at: datetime


class JobCreate(Schema):
    """A push of local document ids, or a pull of the remote's ids or item numbers."""

    site_id: str = Field(max_length=36)
    direction: Direction
    document_ids: list[DocRef] = Field(min_length=1, max_length=1000)
    idempotency_key: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
        | None
    ) = None
    retry_max_attempts: int = Field(default=5, ge=1, le=20)


class DocumentOutcome(BaseModel):
    """What one document of a job became on the receiving side."""

    document: str = Field(description="the id or item number asked for")
    item_number: str | None = None
    revision: str | None = None
    result: DocumentResult
    reason: str | None = None
    local_item_id: str | None = Field(default=None, description="the receiver's revision id")


class SyncJobRead(BaseModel):
    """A sync job: its payload, outcome per document, retry budget and dead-letter state."""

    id: str
    task_type: str
    site_id: str
    site_name: str | None
    direction: Direction
    status: SyncJobStatus
    payload: dict[str, Any]
    result: dict[str, Any] | None
    documents: list[DocumentOutcome]
    bytes_sent: int
    idempotency_key: str
    idempotency_conflicts: int
    replay_of: str | None
    trigger: str
    attempt_count: int
    max_attempts: int
    retry_budget: int = Field(description="automatic attempts left")
    is_dead_letter: bool
    dead_letter_reason: str | None
    last_error: str | None
    created_by: str | None
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    scheduled_at: datetime


class SiteSummary(BaseModel):
    """One site's sync jobs over the window."""

    site_id: str
    site_name: str
    jobs_by_status: dict[str, int]
    dead_letters: int
    push: int
    pull: int
    success_rate: float | None = Field(description="completed / finished; null with none finished")
    bytes_sent: int
    last_job: SyncJobRead | None


class SyncSummary(BaseModel):
    """Every site's sync summary over the last window_days."""

    window_days: int
    since: datetime
    sites: list[SiteSummary]


# the wire format between sites (the inbound and outbound endpoints)


class WireFile(Schema):
    """A file of a document revision: its name, role and content address."""

    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=127)
    role: str = Field(max_length=16)
    size: int = Field(ge=0)
    sha256: Sha256


class WireDocument(Schema):
    """A document revision as it travels: metadata, origin and files."""

    origin_site: SiteName
    origin_id: str = Field(max_length=36)
    origin_config_id: str = Field(max_length=36)
    item_number: str = Field(min_length=1, max_length=64)
    revision: str = Field(min_length=1, max_length=8)
    state: str = Field(max_length=16)
    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    released_at: datetime | None = None
    files: list[WireFile] = Field(default_factory=list, max_length=1000)


class MissingQuery(Schema):
    """Which of these sha256 the receiver does not hold."""

    sha256: list[Sha256] = Field(max_length=10000)


class MissingAnswer(BaseModel):
    """The sha256 the receiver lacks, in the order asked."""

    missing: list[str]


class BlobStored(BaseModel):
    """A verified upload: stored now, or already held."""

    sha256: str
    size: int
    created: bool


class BlobRefused(BaseModel):
    """Content of a batch that was not stored, and why."""

    sha256: str
    code: str
    reason: str


class BlobBatchAnswer(BaseModel):
    """A batch upload: what was stored (or already held) and what was refused."""

    stored: list[BlobStored]
    refused: list[BlobRefused]


class ImportRequest(Schema):
    """Documents to import from the sending site (its files already uploaded)."""

    source_site: SiteName
    documents: list[WireDocument] = Field(min_length=1, max_length=500)


class ImportOutcome(BaseModel):
    """One imported document's result on the receiver."""

    origin_id: str
    item_number: str
    revision: str
    result: DocumentResult
    reason: str | None = None
    local_item_id: str | None = None


class ImportAnswer(BaseModel):
    """The receiver's result per document, in the order sent."""

    site_name: str
    results: list[ImportOutcome]


class ExportQuery(Schema):
    """Documents the puller wants: revision ids or item numbers (current revision)."""

    documents: list[DocRef] = Field(min_length=1, max_length=1000)


class ExportAnswer(BaseModel):
    """The documents found, and what was asked for and not found."""

    site_name: str
    documents: list[WireDocument]
    requested: list[str] = Field(description="for each document, what it was asked as")
    not_found: list[str]


class SiteIdentity(BaseModel):
    """What a site answers its sync peers about itself (an authenticated call)."""

    site_name: str
    user: str
