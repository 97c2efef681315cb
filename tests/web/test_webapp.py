"""The web app under /app: the built files, client routes, and a clear page when not built."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from yuantus.cli import app as cli_app
from yuantus.core import webapp


def _served(dist: Path) -> TestClient:
    """A bare app serving `dist` (the service's own app serves the checkout's web/dist)."""
    app = FastAPI()
    webapp.install(app, dist)
    return TestClient(app, follow_redirects=False)


def _built(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<html>app</html>")
    (dist / "assets" / "index-abc.js").write_text("console.log(1)")
    (dist / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("outside")
    return dist


def test_built_app_files_and_client_routes(tmp_path: Path) -> None:
    client = _served(_built(tmp_path))
    assert client.get("/").headers["location"] == "/app/"
    assert client.get("/app").headers["location"] == "/app/"
    page = client.get("/app/")
    assert page.status_code == 200
    assert page.text == "<html>app</html>"
    assert page.headers["cache-control"] == "no-cache"
    asset = client.get("/app/assets/index-abc.js")
    assert asset.status_code == 200
    assert asset.text == "console.log(1)"
    assert asset.headers["cache-control"] == webapp.IMMUTABLE
    assert client.get("/app/favicon.svg").text == "<svg/>"
    # a client-side route (an item page) is the app's index.html
    deep = client.get("/app/items/5f0c")
    assert deep.status_code == 200
    assert deep.text == "<html>app</html>"


def test_missing_asset_is_404_and_nothing_escapes(tmp_path: Path) -> None:
    client = _served(_built(tmp_path))
    missing = client.get("/app/assets/index-old.js")
    assert missing.status_code == 404
    assert missing.text == "asset not found"
    # a path out of dist never serves the file: it is a client route like any other
    escaped = client.get("/app/..%2Fsecret.txt")
    assert escaped.status_code == 200
    assert escaped.text == "<html>app</html>"


def test_not_built_says_so(tmp_path: Path) -> None:
    client = _served(tmp_path / "nowhere")
    answer = client.get("/app/items")
    assert answer.status_code == 503
    assert "not built" in answer.text
    assert "make web" in answer.text
    assert webapp.is_built(tmp_path / "nowhere") is False


def test_service_serves_app_routes_outside_the_api(client: TestClient) -> None:
    answer = client.get("/app/", follow_redirects=False)
    assert answer.status_code in (200, 503)
    schema = client.get("/openapi.json").json()
    assert not any(path.startswith("/app") for path in schema["paths"])


def test_openapi_command_writes_the_document(tmp_path: Path) -> None:
    target = tmp_path / "out" / "openapi.json"
    result = CliRunner().invoke(cli_app, ["openapi", str(target)])
    assert result.exit_code == 0, result.output
    document = json.loads(target.read_text())
    assert document["info"]["title"] == "Yuantus PLM"
    assert "/api/v1/items" in document["paths"]
    assert "/api/v1/auth/login" in document["paths"]
    # nothing else is written: no database, no secrets beside the document
    assert sorted(p.name for p in target.parent.iterdir()) == ["openapi.json"]
