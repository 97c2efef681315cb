"""Read one sample out of a GET /metrics answer."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.ops.conftest import METRICS_TOKEN


def samples(client: TestClient) -> dict[tuple[str, str], float]:
    """{(sample name, sorted labels as k=v,...): value} of one scrape with the test token."""
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert answer.status_code == 200, answer.text
    out = {}
    for family in text_string_to_metric_families(answer.text):
        for s in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
            out[(s.name, labels)] = s.value
    return out


def value(scrape: dict[tuple[str, str], float], name: str, **labels: str) -> float:
    """A sample's value (0 when the scrape does not have it yet)."""
    key = ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
    return scrape.get((name, key), 0.0)
