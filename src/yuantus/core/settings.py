"""Settings from the environment (prefix YUANTUS_), with dev secrets persisted in the data dir."""

from __future__ import annotations

import json
import os
import secrets
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from cryptography.fernet import Fernet
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SECRETS_FILE = "secrets.json"


class ConfigurationError(RuntimeError):
    """A setting is missing or wrong; the service refuses to start."""


class Settings(BaseSettings):
    """Every setting of the service; see docs/configuration.md."""

    model_config = SettingsConfigDict(env_prefix="YUANTUS_", extra="ignore")

    environment: Literal["dev", "production"] = "dev"
    data_dir: Path = Path("var")
    database_url: str | None = None
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_max_overflow: int = Field(default=10, ge=0, le=200)
    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)
    host: str = "127.0.0.1"
    port: int = Field(default=7910, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # text for a console; json (one object per line) for a log shipper (docs/operations.md)
    log_format: Literal["text", "json"] = "text"
    # GET /metrics answers only "Authorization: Bearer <token>" with it; unset, nobody
    metrics_token: str | None = None
    jwt_secret: str | None = None
    jwt_ttl_minutes: int = Field(default=60, ge=1, le=60 * 24 * 30)
    encryption_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    admin_password: str | None = None
    # login throttling (identity/throttle.py): wrong passwords allowed per username and per
    # client address before a lockout; each further one doubles it, from base up to max
    login_free_attempts_per_user: int = Field(default=5, ge=1, le=1000)
    login_free_attempts_per_address: int = Field(default=20, ge=1, le=100_000)
    login_lockout_base_seconds: int = Field(default=2, ge=1, le=3600)
    login_lockout_max_seconds: int = Field(default=300, ge=1, le=86_400)
    # failures older than this are forgotten
    login_failure_window_seconds: int = Field(default=900, ge=1, le=86_400 * 7)
    # API tokens expire after this many days unless their creator asks for no expiry
    api_token_default_days: int = Field(default=90, ge=1, le=3650)
    max_upload_bytes: int = Field(default=512 * 1024 * 1024, ge=1)
    # BOM spreadsheet imports are read whole into memory: a far smaller limit
    bom_import_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    # an import writes every line through add_child (~15-25 ms a line): a bounded request
    bom_import_max_rows: int = Field(default=5_000, ge=1)
    # JSON request bodies (uploads and imports keep their own limits above): size, nesting,
    # and the size and nesting of every `properties` object in them (core/inputs.py)
    max_json_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1)
    max_json_depth: int = Field(default=64, ge=2, le=500)
    max_properties_bytes: int = Field(default=64 * 1024, ge=2)
    max_properties_depth: int = Field(default=16, ge=1, le=500)
    # explosion, compare and materials refuse (413) to produce more rows than this, or to go
    # deeper than this many levels (bom/limits.py; a tree nested past ~250 cannot be rendered)
    max_structure_rows: int = Field(default=500_000, ge=1)
    max_bom_depth: int = Field(default=64, ge=1, le=200)
    # a direct release needs an approver who is not the submitter (ECO releases: its approvals)
    release_four_eyes: bool = True
    storage_backend: Literal["local", "s3"] = "local"
    # storage gc leaves younger spools and blobs alone: an upload may still be running
    storage_gc_grace_seconds: int = Field(default=3600, ge=0, le=86_400 * 30)
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    # manifests loaded after the built-in ones (plugins, tests): "pkg.module[:ATTR]", comma list
    extra_domains: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("encryption_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        """Accept a comma-separated list (newest key first) from the environment."""
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value

    @field_validator("extra_domains", mode="before")
    @classmethod
    def _split_domains(cls, value: object) -> object:
        """Accept a comma-separated list from the environment."""
        if isinstance(value, str):
            return [m.strip() for m in value.split(",") if m.strip()]
        return value

    @property
    def resolved_database_url(self) -> str:
        """The database URL; the embedded default is a SQLite file in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'yuantus.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        """True when the database is the embedded SQLite."""
        return self.resolved_database_url.startswith("sqlite")

    @cached_property
    def secrets(self) -> ResolvedSecrets:
        """JWT secret and encryption keys, generated and persisted in dev when absent."""
        return resolve_secrets(self)


class ResolvedSecrets:
    """The secrets the service runs with."""

    def __init__(self, jwt_secret: str, encryption_keys: list[str]) -> None:
        self.jwt_secret = jwt_secret
        self.encryption_keys = encryption_keys


def resolve_secrets(settings: Settings) -> ResolvedSecrets:
    """Use configured secrets; in dev generate missing ones once, in production refuse."""
    jwt_secret = settings.jwt_secret
    keys = list(settings.encryption_keys)
    if jwt_secret and keys:
        return ResolvedSecrets(jwt_secret, keys)
    if settings.environment == "production":
        missing = [
            name
            for name, value in (
                ("YUANTUS_JWT_SECRET", jwt_secret),
                ("YUANTUS_ENCRYPTION_KEYS", keys),
            )
            if not value
        ]
        raise ConfigurationError(
            f"production needs {', '.join(missing)}; see docs/configuration.md"
        )
    stored = _load_or_create_dev_secrets(settings.data_dir)
    return ResolvedSecrets(jwt_secret or stored["jwt_secret"], keys or [stored["encryption_key"]])


def _load_or_create_dev_secrets(data_dir: Path) -> dict[str, str]:
    """Read dev secrets from the data dir, creating them (mode 0600) on first use."""
    path = data_dir / SECRETS_FILE
    if path.exists():
        loaded: dict[str, str] = json.loads(path.read_text())
        return loaded
    data_dir.mkdir(parents=True, mode=0o700, exist_ok=True)
    values = {
        "jwt_secret": secrets.token_urlsafe(48),
        "encryption_key": Fernet.generate_key().decode(),
    }
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(values, fh)
    # rename is atomic: two processes starting together end with one consistent file
    try:
        os.link(tmp, path)
    except FileExistsError:
        tmp.unlink()
        return _load_or_create_dev_secrets(data_dir)
    tmp.unlink()
    return values


def get_settings() -> Settings:
    """Settings read from the environment now."""
    return Settings()
