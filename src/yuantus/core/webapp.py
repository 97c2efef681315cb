"""The web workspace (web/dist, built by `make web`) served under /app: no CDN, works offline."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

APP_URL = "/app"
# web/ sits beside src/ in the checkout; an installed wheel has no build and says so
DIST_DIR = Path(__file__).resolve().parents[3] / "web" / "dist"
NOT_BUILT = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Yuantus</title></head>"
    "<body><h1>The web app is not built</h1><p>Run <code>make web</code> (needs Node.js 20 and"
    " npm) and reload. The API is at <a href='/docs'>/docs</a>.</p></body></html>"
)
# hashed file names never change content: cache them for a year; index.html never
IMMUTABLE = "public, max-age=31536000, immutable"


def is_built(dist: Path | None = None) -> bool:
    """Whether the built app (its index.html) is there."""
    return ((dist or DIST_DIR) / "index.html").is_file()


def _inside(dist: Path, rel: str) -> Path | None:
    """The file `rel` under `dist`, or None when it is missing or escapes the directory."""
    target = (dist / rel).resolve()
    if not target.is_relative_to(dist.resolve()) or not target.is_file():
        return None
    return target


def install(app: FastAPI, dist: Path | None = None) -> None:
    """Serve the built app at /app/, its assets, and client-side routes as index.html."""
    root = dist or DIST_DIR

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse(APP_URL + "/")

    @app.get(APP_URL, include_in_schema=False)
    def app_root() -> RedirectResponse:
        return RedirectResponse(APP_URL + "/")

    @app.get(APP_URL + "/{path:path}", include_in_schema=False)
    def app_file(path: str) -> Response:
        if not is_built(root):
            return HTMLResponse(NOT_BUILT, status_code=503)
        found = _inside(root, path) if path else None
        if found is not None and found.name != "index.html":
            immutable = path.startswith("assets/")
            return FileResponse(found, headers={"Cache-Control": IMMUTABLE} if immutable else None)
        if path.startswith("assets/"):
            # a missing asset is a 404, not the page: a stale tab must not parse HTML as JS
            return Response("asset not found", status_code=404, media_type="text/plain")
        return FileResponse(root / "index.html", headers={"Cache-Control": "no-cache"})
