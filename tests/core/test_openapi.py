"""The OpenAPI document is complete enough to build a client on; the docs pages work offline."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

WRITE = {"post", "put", "patch", "delete"}
# a list of problems is easier to fix than the first one alone
Problems = list[str]


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _untyped(schema: dict[str, Any]) -> bool:
    """An answer schema a client generator cannot type: {}, a bare object, Any."""
    if not schema:
        return True
    if "$ref" in schema or "anyOf" in schema or "oneOf" in schema:
        return False
    if schema.get("type") == "object":
        return "properties" not in schema
    if schema.get("type") == "array":
        return _untyped(schema.get("items", {}))
    return "type" not in schema


def _success_problems(method: str, path: str, op: dict[str, Any]) -> Problems:
    ok = {s: r for s, r in op["responses"].items() if s.startswith("2")}
    if not ok:
        return [f"{method} {path}: no 2xx answer"]
    out = []
    for status, answer in ok.items():
        content = answer.get("content")
        if status == "204":
            if content:
                out.append(f"{method} {path}: 204 with a body")
            continue
        if not content:
            out.append(f"{method} {path}: {status} declares no media type")
            continue
        for media, body in content.items():
            if media == "application/json" and _untyped(body.get("schema", {})):
                out.append(f"{method} {path}: {status} {media} is untyped")
    return out


def _expected_errors(method: str, path: str, op: dict[str, Any]) -> set[str]:
    expected = {"422"}
    if op.get("security"):
        expected.add("401")
    if "{" in path:
        expected.add("404")
    if method in WRITE:
        expected.add("409")
    body = op.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in body:
        expected.add("413")
    return expected


def _error_problems(method: str, path: str, op: dict[str, Any]) -> Problems:
    out = []
    answers = op["responses"]
    for status in sorted(_expected_errors(method, path, op)):
        if status not in answers:
            out.append(f"{method} {path}: {status} not documented")
    # 5xx answers may have their own shape (the health check's 503 is a health report)
    for status, answer in answers.items():
        if status[0] == "4":
            schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
            refs = [schema, *schema.get("anyOf", [])]
            if not any(r.get("$ref") == "#/components/schemas/ErrorBody" for r in refs):
                out.append(f"{method} {path}: {status} without the error schema")
            if not answer.get("description"):
                out.append(f"{method} {path}: {status} without a description")
    return out


def _doc_problems(method: str, path: str, op: dict[str, Any]) -> Problems:
    out = []
    if len(op.get("tags", [])) != 1:
        out.append(f"{method} {path}: tags {op.get('tags')}")
    if not op.get("summary") or not op.get("description"):
        out.append(f"{method} {path}: no summary or description")
    for param in op.get("parameters", []):
        if not param.get("description"):
            out.append(f"{method} {path}: parameter {param['in']}:{param['name']} undescribed")
    return out


def test_every_operation_is_typed_documented_and_tagged(app: FastAPI) -> None:
    spec = app.openapi()
    operations = _operations(spec)
    assert len(operations) > 60
    problems: Problems = []
    for method, path, op in operations:
        problems += _success_problems(method, path, op)
        problems += _error_problems(method, path, op)
        problems += _doc_problems(method, path, op)
    assert problems == []


def test_role_guarded_operations_document_403(app: FastAPI) -> None:
    spec = app.openapi()
    answers = spec["paths"]["/api/v1/users"]["post"]["responses"]
    assert {"401", "403", "409", "422"} <= set(answers)
    # the login is not role-guarded; reading oneself needs no role (a role-less user may)
    assert "403" not in spec["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert "403" not in spec["paths"]["/api/v1/auth/me"]["get"]["responses"]


def test_the_error_schema_is_the_real_error_body(
    app: FastAPI, as_user: Any, client: TestClient
) -> None:
    schemas = app.openapi()["components"]["schemas"]
    assert set(schemas["ErrorBody"]["properties"]) == {"detail"}
    assert set(schemas["ErrorDetail"]["properties"]) == {"code", "message", "context"}
    assert set(schemas["ErrorDetail"]["required"]) == {"code", "message", "context"}
    answers = [
        client.get("/api/v1/items").json(),  # 401
        as_user("viewer").post("/api/v1/users", json={}).json(),  # 403 before the body
        as_user("viewer").get("/api/v1/items/nope").json(),  # 404
        as_user("viewer").get("/api/v1/items?bogus=1").json(),  # 422 unknown_parameter
    ]
    for body in answers:
        assert set(body) == {"detail"}
        assert set(body["detail"]) == {"code", "message", "context"}


def test_an_upload_documents_413_and_a_read_documents_no_409(app: FastAPI) -> None:
    spec = app.openapi()
    upload = spec["paths"]["/api/v1/items/{item_id}/files"]["post"]["responses"]
    assert "413" in upload
    read = spec["paths"]["/api/v1/items/{item_id}"]["get"]["responses"]
    assert "409" not in read
    assert "413" not in read
    assert {"401", "404", "422"} <= set(read)


def test_path_parameters_are_described_from_their_names(app: FastAPI) -> None:
    params = app.openapi()["paths"]["/api/v1/eco/{eco_id}"]["get"]["parameters"]
    assert [p["description"] for p in params if p["in"] == "path"] == ["id of the eco"]


class _Assets(HTMLParser):
    """Every URL a page loads: script src, link href, img src, and url strings in scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src", "redoc": "spec-url"}
        for name, value in attrs:
            if name == wanted.get(tag) and value:
                self.urls.append(value)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.urls += re.findall(r"""(?:url|src|href)\s*[:=]\s*['"]([^'"]+)['"]""", data)


EXPECTED_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png", ".json": "json"}


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_every_asset_from_the_service(client: TestClient, page: str) -> None:
    r = client.get(page)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    parser = _Assets()
    parser.feed(r.text)
    assert parser.urls, "the page references no assets"
    # no absolute URL to another host anywhere in the page, referenced or not
    for url in re.findall(r"https?://[^\s'\"<>)]+", r.text):
        assert urlparse(url).hostname in {"testserver", None}, url
    kinds = set()
    for url in parser.urls:
        parsed = urlparse(urljoin(f"http://testserver{page}", url))
        assert parsed.hostname == "testserver", url
        asset = client.get(parsed.path)
        assert asset.status_code == 200, url
        suffix = "." + parsed.path.rsplit(".", 1)[-1]
        assert EXPECTED_TYPES[suffix] in asset.headers["content-type"], (url, asset.headers)
        assert asset.content
        kinds.add(suffix)
    assert {".js", ".json"} <= kinds
    if page == "/docs":
        assert ".css" in kinds


def test_an_undeclared_error_answer_fails_the_request(app: FastAPI) -> None:
    from tests.documented_errors import undocumented

    # the test apps carry the check (tests/documented_errors.py): a declared status passes
    assert undocumented("GET", "/api/v1/items/abc", 404) is None
    assert undocumented("GET", "/api/v1/items/abc", 409) == "GET /api/v1/items/{item_id}: 409"
    assert undocumented("GET", "/docs-assets/swagger-ui.css", 404) is None


def test_the_check_fails_a_test_that_gets_an_undeclared_error(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests import documented_errors

    rows = [
        (m, p, t, s - {"401"}) if (m, t) == ("GET", "/api/v1/items") else (m, p, t, s)
        for m, p, t, s in documented_errors._documented
    ]
    monkeypatch.setattr(documented_errors, "_documented", rows)
    with TestClient(app) as c, pytest.raises(AssertionError, match="GET /api/v1/items: 401"):
        c.get("/api/v1/items")
