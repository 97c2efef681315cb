"""The ops tests' app can be scraped: its settings carry a metrics token."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_settings
from yuantus.core.settings import Settings

METRICS_TOKEN = "ops-test-metrics-token"


@pytest.fixture
def settings(backend_url: str, tmp_path: Path) -> Settings:
    """Test settings with YUANTUS_METRICS_TOKEN set."""
    return make_settings(tmp_path / "data", backend_url, metrics_token=METRICS_TOKEN)
