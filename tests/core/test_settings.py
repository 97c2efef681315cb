"""Secrets: generated once in dev, required in production."""

from __future__ import annotations

from pathlib import Path

import pytest

from yuantus.core.settings import ConfigurationError, Settings


def test_dev_secrets_are_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path).secrets
    second = Settings(data_dir=tmp_path).secrets
    assert first.jwt_secret == second.jwt_secret
    assert first.encryption_keys == second.encryption_keys
    assert (tmp_path / "secrets.json").stat().st_mode & 0o777 == 0o600


def test_production_refuses_to_start_without_secrets(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="YUANTUS_JWT_SECRET"):
        _ = Settings(data_dir=tmp_path, environment="production").secrets
    assert not (tmp_path / "secrets.json").exists()


def test_encryption_keys_from_environment_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YUANTUS_ENCRYPTION_KEYS", "new-key, old-key")
    monkeypatch.setenv("YUANTUS_JWT_SECRET", "s" * 40)
    monkeypatch.setenv("YUANTUS_ENVIRONMENT", "production")
    settings = Settings(data_dir=tmp_path)
    assert settings.secrets.encryption_keys == ["new-key", "old-key"]


def test_default_database_is_sqlite_in_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.resolve() / 'yuantus.db'}"
    assert (settings.host, settings.port) == ("127.0.0.1", 7910)
