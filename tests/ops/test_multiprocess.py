"""PROMETHEUS_MULTIPROC_DIR: counts of several processes (uvicorn workers) add up in one scrape."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

COUNT = "from yuantus.core import metrics; metrics.observe_request('GET', '/api/v1/x', 200, 0.01)"
RENDER = """
import sys
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from yuantus.core import metrics
engine = create_engine("sqlite://")
sys.stdout.write(metrics.render(lambda: Session(engine)).decode())
"""


def test_two_processes_are_summed(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", COUNT], env=env, check=True, timeout=120)
    text = subprocess.run(
        [sys.executable, "-c", RENDER], env=env, check=True, capture_output=True, timeout=120
    ).stdout.decode()
    line = 'yuantus_http_requests_total{method="GET",route="/api/v1/x",status="200"} 2.0'
    assert line in text.splitlines()
