"""The service answers health and the schema is migrated."""

from fastapi.testclient import TestClient


def test_health_answers_ok(client: TestClient) -> None:
    r = client.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json()["database"] == "ok"
