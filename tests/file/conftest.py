"""File test helpers: an item to attach to, uploads, and a loopback S3 server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

Json = dict[str, Any]


def new_item(client: TestClient, **body: Any) -> Json:
    """Create a Draft Part and answer it."""
    body.setdefault("item_type", "Part")
    body.setdefault("name", "Bracket")
    response = client.post("/api/v1/items", json=body)
    assert response.status_code == 201, response.text
    answer: Json = response.json()
    return answer


def upload(
    client: TestClient,
    item_id: str,
    content: bytes,
    filename: str = "drawing.pdf",
    role: str = "printout",
    content_type: str = "application/pdf",
) -> Json:
    """POST a file to an item and answer the link (asserting 201)."""
    response = client.post(
        f"/api/v1/items/{item_id}/files",
        files={"file": (filename, content, content_type)},
        data={"role": role},
    )
    assert response.status_code == 201, response.text
    answer: Json = response.json()
    return answer


def stored_blobs(root: Path) -> list[Path]:
    """Every file under a local storage root (blobs and any leftover temp files)."""
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3 protocol server (moto's server mode) on loopback."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()
