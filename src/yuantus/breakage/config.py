"""The helpdesk the incidents sync to (prefix YUANTUS_HELPDESK_); none means the local stub."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from yuantus.core.signing import secret_key


class HelpdeskSettings(BaseSettings):
    """Where to post incidents, the signing secret and the request timeout."""

    model_config = SettingsConfigDict(env_prefix="YUANTUS_HELPDESK_", extra="ignore")

    url: str | None = None
    secret: SecretStr | None = None
    timeout_s: float = Field(default=10.0, gt=0, le=300)

    @field_validator("secret")
    @classmethod
    def _whsec(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            secret_key(value.get_secret_value())  # fail at start, not at the first sync
        return value
