"""Issue 20, "keep it closed": every operation in the OpenAPI, for every role, allowed or 403.

The table below is the authorization contract. An operation the app serves without an
entry (a new route) fails `test_every_operation_has_an_entry`; so does an entry for an
operation that is gone. The probe uses a bogus id and an empty body: the role check
must come before any lookup or body validation, so a forbidden role always gets 403.
"Allowed" means anything but 401/403 (typically 404 or 422 on the bogus request).

Operations open to every role whose real check is on the object (an ECO transition: the
stage's approval roles; an activity: its assignee) are probed at the object level below,
with the overlay-protected files, tokens and users.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.cad3d.conftest import glb
from tests.conftest import bearer, make_settings, truncate_all
from tests.documented_errors import check_documented_errors
from yuantus.app import create_app
from yuantus.core import migrate
from yuantus.core.db import Database
from yuantus.identity import service as identity_service
from yuantus.identity.models import ROLES, User
from yuantus.item import service as item_service

API = "/api/v1"
BOGUS_ID = "00000000-0000-4000-8000-000000000000"
NO_ROLE = "role-less"
ANONYMOUS = "anonymous"
METHODS = ("get", "post", "put", "patch", "delete")

EVERYONE = frozenset({*ROLES, NO_ROLE})
# a `sync` token (another site's) passes the doc-sync inbound/outbound endpoints and no other
ANY_ROLE = frozenset(ROLES) - {"sync"}
SYNC = frozenset({"admin", "sync"})
ADMIN = frozenset({"admin"})
ENGINEER = frozenset({"admin", "engineer"})
ENGINEER_APPROVER = frozenset({"admin", "engineer", "approver"})
PRODUCTION = frozenset({"admin", "engineer", "production"})
PRODUCTION_QUALITY = frozenset({"admin", "engineer", "production", "quality"})
# no credentials needed at all; every other operation answers 401 to an anonymous caller
PUBLIC = frozenset(
    {
        "GET /api/v1/health",
        "GET /api/v1/health/live",
        "GET /api/v1/health/ready",
        "POST /api/v1/auth/login",
    }
)
# scraped with YUANTUS_METRICS_TOKEN, never with a user's credentials (401 to every caller)
METRICS_TOKEN_ONLY = frozenset({"GET /metrics"})

# "METHOD path" -> the roles allowed (admin holds every role's rights)
MATRIX: dict[str, frozenset[str]] = {
    "GET /api/v1/health": EVERYONE,
    "GET /api/v1/health/live": EVERYONE,
    "GET /api/v1/health/ready": EVERYONE,
    "GET /metrics": frozenset(),
    "GET /api/v1/ops/summary": ADMIN,
    "POST /api/v1/doc-sync/sites": ADMIN,
    "GET /api/v1/doc-sync/sites": ANY_ROLE,
    "GET /api/v1/doc-sync/sites/{site_id}": ANY_ROLE,
    "PATCH /api/v1/doc-sync/sites/{site_id}": ADMIN,
    "POST /api/v1/doc-sync/sites/{site_id}/health": ADMIN,
    "POST /api/v1/doc-sync/jobs": ENGINEER,
    "GET /api/v1/doc-sync/jobs": ANY_ROLE,
    "GET /api/v1/doc-sync/jobs/{job_id}": ANY_ROLE,
    "POST /api/v1/doc-sync/jobs/{job_id}/replay": ENGINEER,
    "GET /api/v1/doc-sync/summary": ANY_ROLE,
    "GET /api/v1/doc-sync/inbound/whoami": SYNC,
    "POST /api/v1/doc-sync/inbound/missing": SYNC,
    "PUT /api/v1/doc-sync/inbound/blobs/{sha256}": SYNC,
    "POST /api/v1/doc-sync/inbound/blobs": SYNC,
    "POST /api/v1/doc-sync/inbound/documents": SYNC,
    "POST /api/v1/doc-sync/outbound/documents": SYNC,
    "GET /api/v1/doc-sync/outbound/blobs/{sha256}": SYNC,
    "GET /api/v1/audit": ADMIN,
    "GET /api/v1/audit/{event_id}": ADMIN,
    "POST /api/v1/auth/login": EVERYONE,
    "GET /api/v1/auth/me": EVERYONE,
    "POST /api/v1/auth/tokens": ANY_ROLE,
    "GET /api/v1/auth/tokens": ANY_ROLE,
    "DELETE /api/v1/auth/tokens/{token_id}": ANY_ROLE,
    "POST /api/v1/users": ADMIN,
    "GET /api/v1/users": ADMIN,
    "GET /api/v1/users/{user_id}": ADMIN,
    "PATCH /api/v1/users/{user_id}": ADMIN,
    "GET /api/v1/users/{user_id}/tokens": ADMIN,
    "DELETE /api/v1/users/{user_id}/tokens/{token_id}": ADMIN,
    "POST /api/v1/items/{part_id}/documents": ENGINEER,
    "GET /api/v1/items/{part_id}/documents": ANY_ROLE,
    "DELETE /api/v1/items/{part_id}/documents/{link_id}": ENGINEER,
    "GET /api/v1/items/{document_id}/linked-parts": ANY_ROLE,
    "POST /api/v1/items": ENGINEER,
    "GET /api/v1/items": ANY_ROLE,
    "GET /api/v1/items/by-number/{item_type}/{item_number}": ANY_ROLE,
    "GET /api/v1/items/{item_id}": ANY_ROLE,
    "PATCH /api/v1/items/{item_id}": ENGINEER,
    "GET /api/v1/items/{item_id}/revisions": ANY_ROLE,
    "GET /api/v1/items/{item_id}/history": ANY_ROLE,
    "POST /api/v1/items/{item_id}/revise": ENGINEER,
    "POST /api/v1/items/{item_id}/transitions": ENGINEER_APPROVER,
    "GET /api/v1/items/{item_id}/transitions": ANY_ROLE,
    "POST /api/v1/items/{item_id}/files": ENGINEER,
    "GET /api/v1/items/{item_id}/files": ANY_ROLE,
    "DELETE /api/v1/items/{item_id}/files/{link_id}": ENGINEER,
    "GET /api/v1/files/{file_id}": ANY_ROLE,
    "GET /api/v1/files/{file_id}/content": ANY_ROLE,
    "GET /api/v1/bom/compare": ANY_ROLE,
    "GET /api/v1/bom/compare/delta/preview": ANY_ROLE,
    "GET /api/v1/bom/compare/delta/export": ANY_ROLE,
    "POST /api/v1/bom/compare/delta/apply": ENGINEER,
    "POST /api/v1/bom/{parent_id}/children": ENGINEER,
    "GET /api/v1/bom/lines/{line_id}": ANY_ROLE,
    "PATCH /api/v1/bom/lines/{line_id}": ENGINEER,
    "DELETE /api/v1/bom/lines/{line_id}": ENGINEER,
    "GET /api/v1/bom/{item_id}/tree": ANY_ROLE,
    "GET /api/v1/bom/{item_id}/flat": ANY_ROLE,
    "GET /api/v1/bom/{item_id}/where-used": ANY_ROLE,
    "POST /api/v1/bom/{item_id}/import": ENGINEER,
    "GET /api/v1/jobs": ANY_ROLE,
    "GET /api/v1/jobs/{job_id}": ANY_ROLE,
    "POST /api/v1/jobs/{job_id}/retry": ENGINEER,
    "POST /api/v1/jobs/{job_id}/cancel": ENGINEER,
    "POST /api/v1/workcenters": PRODUCTION,
    "GET /api/v1/workcenters": ANY_ROLE,
    "GET /api/v1/workcenters/{workcenter_id}": ANY_ROLE,
    "PATCH /api/v1/workcenters/{workcenter_id}": PRODUCTION,
    "POST /api/v1/routings": PRODUCTION,
    "GET /api/v1/routings": ANY_ROLE,
    "GET /api/v1/routings/{routing_id}": ANY_ROLE,
    "PATCH /api/v1/routings/{routing_id}": PRODUCTION,
    "POST /api/v1/routings/{routing_id}/transitions": PRODUCTION,
    "GET /api/v1/routings/{routing_id}/transitions": ANY_ROLE,
    "POST /api/v1/routings/{routing_id}/new-version": PRODUCTION,
    "POST /api/v1/routings/{routing_id}/operations": PRODUCTION,
    "PATCH /api/v1/routings/{routing_id}/operations/{operation_id}": PRODUCTION,
    "DELETE /api/v1/routings/{routing_id}/operations/{operation_id}": PRODUCTION,
    "POST /api/v1/workorders": PRODUCTION,
    "GET /api/v1/workorders": ANY_ROLE,
    "GET /api/v1/workorders/{workorder_id}": ANY_ROLE,
    "POST /api/v1/workorders/{workorder_id}/transitions": PRODUCTION,
    "GET /api/v1/workorders/{workorder_id}/transitions": ANY_ROLE,
    "GET /api/v1/workorders/{workorder_id}/operations": ANY_ROLE,
    "GET /api/v1/workorders/{workorder_id}/materials": ANY_ROLE,
    "GET /api/v1/eco/stages": ANY_ROLE,
    "POST /api/v1/eco/stages": ADMIN,
    "PATCH /api/v1/eco/stages/{stage_id}": ADMIN,
    "POST /api/v1/eco": ENGINEER,
    "GET /api/v1/eco": ANY_ROLE,
    "GET /api/v1/eco/{eco_id}": ANY_ROLE,
    "PATCH /api/v1/eco/{eco_id}": ENGINEER,
    "POST /api/v1/eco/{eco_id}/new-revision": ENGINEER,
    "POST /api/v1/eco/{eco_id}/transitions": ANY_ROLE,
    "GET /api/v1/eco/{eco_id}/transitions": ANY_ROLE,
    "GET /api/v1/eco/{eco_id}/approvals": ANY_ROLE,
    "GET /api/v1/eco/{eco_id}/events": ANY_ROLE,
    "GET /api/v1/eco/{eco_id}/bom-changes": ANY_ROLE,
    "GET /api/v1/eco/{eco_id}/report": ANY_ROLE,
    "GET /api/v1/eco-activities/activity/{activity_id}": ANY_ROLE,
    "PATCH /api/v1/eco-activities/activity/{activity_id}": ANY_ROLE,
    "POST /api/v1/eco-activities/activity/{activity_id}/transition": ANY_ROLE,
    "POST /api/v1/eco-activities/activity/{activity_id}/transitions": ANY_ROLE,
    "GET /api/v1/eco-activities/activity/{activity_id}/transitions": ANY_ROLE,
    "POST /api/v1/eco-activities": ENGINEER,
    "GET /api/v1/eco-activities": ANY_ROLE,
    "GET /api/v1/eco-activities/{eco_id}": ANY_ROLE,
    "GET /api/v1/eco-activities/{eco_id}/blockers": ANY_ROLE,
    "GET /api/v1/eco-activities/{eco_id}/events": ANY_ROLE,
    "GET /api/v1/eco-activities/{eco_id}/sla": ANY_ROLE,
    "GET /api/v1/events": ANY_ROLE,
    "POST /api/v1/webhooks": ADMIN,
    "GET /api/v1/webhooks": ADMIN,
    "GET /api/v1/webhooks/{webhook_id}": ADMIN,
    "PATCH /api/v1/webhooks/{webhook_id}": ADMIN,
    "DELETE /api/v1/webhooks/{webhook_id}": ADMIN,
    "GET /api/v1/webhooks/{webhook_id}/deliveries": ADMIN,
    "POST /api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver": ADMIN,
    "POST /api/v1/webhooks/{webhook_id}/test": ADMIN,
    "POST /api/v1/workflow-actions/rules": ADMIN,
    "GET /api/v1/workflow-actions/rules": ADMIN,
    "GET /api/v1/workflow-actions/rules/{rule_id}": ADMIN,
    "PATCH /api/v1/workflow-actions/rules/{rule_id}": ADMIN,
    "DELETE /api/v1/workflow-actions/rules/{rule_id}": ADMIN,
    "POST /api/v1/workflow-actions/execute": ADMIN,
    "GET /api/v1/workflow-actions/runs": ADMIN,
    "POST /api/v1/breakages": PRODUCTION_QUALITY,
    "GET /api/v1/breakages": ANY_ROLE,
    "GET /api/v1/breakages/metrics": ANY_ROLE,
    "GET /api/v1/breakages/metrics/groups": ANY_ROLE,
    "GET /api/v1/breakages/metrics/export": ANY_ROLE,
    "GET /api/v1/breakages/export": ANY_ROLE,
    "GET /api/v1/breakages/{incident_id}": ANY_ROLE,
    "GET /api/v1/breakages/{incident_id}/transitions": ANY_ROLE,
    "POST /api/v1/breakages/{incident_id}/transitions": PRODUCTION_QUALITY,
    "POST /api/v1/breakages/{incident_id}/helpdesk-sync": PRODUCTION_QUALITY,
    "GET /api/v1/breakages/{incident_id}/helpdesk-sync/status": ANY_ROLE,
    "POST /api/v1/cad-3d/overlays": ENGINEER,
    "GET /api/v1/cad-3d/overlays/{document_id}": ANY_ROLE,
    "GET /api/v1/cad-3d/overlays/{document_id}/components/{component_ref}": ANY_ROLE,
    "POST /api/v1/cad-3d/overlays/{document_id}/components/resolve": ANY_ROLE,
    "POST /api/v1/cad-3d/overlays/{document_id}/extract": ENGINEER,
    "POST /api/v1/workorder-docs/links": PRODUCTION,
    "GET /api/v1/workorder-docs/links": ANY_ROLE,
    "DELETE /api/v1/workorder-docs/links/{link_id}": PRODUCTION,
    "GET /api/v1/workorder-docs/export": ANY_ROLE,
    "GET /api/v1/workorders/{workorder_id}/doc-pack": ANY_ROLE,
    "GET /api/v1/workorder-docs/exports": ANY_ROLE,
    "POST /api/v1/consumption/plans": PRODUCTION,
    "GET /api/v1/consumption/plans": ANY_ROLE,
    "GET /api/v1/consumption/plans/{plan_id}": ANY_ROLE,
    "PATCH /api/v1/consumption/plans/{plan_id}": PRODUCTION,
    "GET /api/v1/consumption/plans/{plan_id}/transitions": ANY_ROLE,
    "POST /api/v1/consumption/plans/{plan_id}/transitions": PRODUCTION,
    "POST /api/v1/consumption/plans/{plan_id}/actuals": PRODUCTION,
    "GET /api/v1/consumption/plans/{plan_id}/actuals": ANY_ROLE,
    "GET /api/v1/consumption/plans/{plan_id}/variance": ANY_ROLE,
    "GET /api/v1/consumption/dashboard": ANY_ROLE,
    "GET /api/v1/consumption/dashboard/export": ANY_ROLE,
    "POST /api/v1/consumption/templates/{key}/versions": PRODUCTION,
    "GET /api/v1/consumption/templates/{key}/versions": ANY_ROLE,
    "POST /api/v1/consumption/templates/{key}/impact-preview": ANY_ROLE,
    "POST /api/v1/workorders/{workorder_id}/consumption": PRODUCTION,
}


@dataclass
class World:
    """One app and database for the whole module, with a signed-in client per role."""

    app: FastAPI
    database: Database
    users: dict[str, User]
    clients: dict[str, TestClient]


@pytest.fixture(scope="module")
def world(backend_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The shared app of the backend under test (not one per case: the test stays fast)."""
    settings = make_settings(tmp_path_factory.mktemp("matrix") / "data", backend_url)
    database = Database(settings)
    migrate.upgrade(database.engine)
    truncate_all(database.engine)
    app = check_documented_errors(create_app(settings, database=database))
    users: dict[str, User] = {}
    with database.scope() as s:
        for role in ROLES:
            users[role] = identity_service.create_user(s, role, f"{role}-matrix-pw", roles=[role])
        users[NO_ROLE] = identity_service.create_user(s, "nobody", "nobody-matrix-pw", roles=[])
    clients = {name: TestClient(app, headers=bearer(user)) for name, user in users.items()}
    clients[ANONYMOUS] = TestClient(app)
    yield World(app, database, users, clients)
    for client in clients.values():
        client.close()
    truncate_all(database.engine)
    database.dispose()


def _operations(app: FastAPI) -> list[str]:
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return [f"{m.upper()} {p}" for p, ops in paths.items() for m in ops if m in METHODS]


def _probe(client: TestClient, operation: str) -> tuple[int, str | None]:
    """Call the operation with bogus ids and an empty body: (status, error code)."""
    method, path = operation.split(" ", 1)
    url = re.sub(r"\{[^}]+\}", BOGUS_ID, path)
    body: dict[str, Any] | None = {} if method in ("POST", "PUT", "PATCH") else None
    response = client.request(method, url, json=body)
    code = None
    if response.status_code >= 400:
        detail = response.json().get("detail")
        code = detail.get("code") if isinstance(detail, dict) else None
    return response.status_code, code


def test_every_operation_has_an_entry(world: World) -> None:
    served = set(_operations(world.app))
    assert sorted(served - set(MATRIX)) == [], "operations without an entry in MATRIX"
    assert sorted(set(MATRIX) - served) == [], "entries for operations the app does not serve"


@pytest.mark.parametrize("who", [*ROLES, NO_ROLE, ANONYMOUS])
def test_each_caller_is_allowed_or_refused_as_the_table_says(world: World, who: str) -> None:
    client = world.clients[who]
    wrong = []
    for operation in _operations(world.app):
        status, code = _probe(client, operation)
        if operation in METRICS_TOKEN_ONLY:
            expected = "401"
        elif who == ANONYMOUS:
            expected = "allowed" if operation in PUBLIC else "401"
        else:
            expected = "allowed" if who in MATRIX.get(operation, ()) else "403"
        got = "allowed" if status not in (401, 403) else str(status)
        if status >= 500 or got != expected:
            wrong.append(f"{operation}: expected {expected}, got {status} {code}")
        elif got == "403":
            # a user without roles is told so; the others which roles the action needs
            want = "no_role" if who == NO_ROLE else "role_required"
            if code != want:
                wrong.append(f"{operation}: 403 {code}, expected {want}")
    assert wrong == []


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _code(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    code: str = response.json()["detail"]["code"]
    return code


def test_a_user_sees_and_revokes_only_their_own_tokens(world: World) -> None:
    eng, viewer, admin = (world.clients[r] for r in ("engineer", "viewer", "admin"))
    created = _ok(eng.post(f"{API}/auth/tokens", json={"name": "matrix-ci"}), 201)
    token_id, secret = created["id"], created["token"]
    mine = [t["id"] for t in _ok(eng.get(f"{API}/auth/tokens"))["items"]]
    assert token_id in mine
    assert token_id not in [t["id"] for t in _ok(viewer.get(f"{API}/auth/tokens"))["items"]]
    # another user's token is not found (its existence is not told), and stays valid
    assert _code(viewer.delete(f"{API}/auth/tokens/{token_id}"), 404) == "api_token_not_found"
    own = world.users["engineer"].id
    assert _code(viewer.get(f"{API}/users/{own}/tokens"), 403) == "role_required"
    assert _code(viewer.delete(f"{API}/users/{own}/tokens/{token_id}"), 403) == "role_required"
    with TestClient(world.app, headers={"Authorization": f"Bearer {secret}"}) as by_token:
        assert _ok(by_token.get(f"{API}/auth/me"))["id"] == own
        # an admin lists and revokes any user's tokens
        listed = _ok(admin.get(f"{API}/users/{own}/tokens"))["items"]
        assert token_id in [t["id"] for t in listed]
        assert _ok(admin.delete(f"{API}/users/{own}/tokens/{token_id}"))["revoked_at"]
        assert by_token.get(f"{API}/auth/me").status_code == 401


def test_users_are_an_admins_business_and_me_is_myself(world: World) -> None:
    admin_id = world.users["admin"].id
    for role in (*ROLES, NO_ROLE):
        client, user = world.clients[role], world.users[role]
        assert _ok(client.get(f"{API}/auth/me"))["id"] == user.id
        if role == "admin":
            continue
        want = "no_role" if role == NO_ROLE else "role_required"
        assert _code(client.get(f"{API}/users/{admin_id}"), 403) == want
        # nobody grants themselves a role
        promote = client.patch(f"{API}/users/{user.id}", json={"roles": ["admin"]})
        assert _code(promote, 403) == want
    with world.database.scope() as s:
        assert identity_service.get_user(s, world.users["engineer"].id).roles == ["engineer"]


def test_an_overlay_protected_file_goes_only_to_the_overlay_roles(world: World) -> None:
    eng = world.clients["engineer"]
    with world.database.scope() as s:
        doc = item_service.create(s, "Document", "Protected model", item_number="MATRIX-MODEL")
        doc_id = doc.id
    upload = eng.post(
        f"{API}/items/{doc_id}/files",
        files={"file": ("assy.glb", glb(), "model/gltf-binary")},
        data={"role": "viewable"},
    )
    file_id = _ok(upload, 201)["file_id"]
    overlay = {"document_item_id": doc_id, "visibility_roles": ["quality"], "components": []}
    _ok(eng.post(f"{API}/cad-3d/overlays", json=overlay), 201)
    for role in (*ROLES, NO_ROLE):
        client = world.clients[role]
        content = client.get(f"{API}/files/{file_id}/content")
        view = client.get(f"{API}/cad-3d/overlays/{doc_id}")
        # before: the metadata (name, size, sha256) answered 200 to every role
        meta = client.get(f"{API}/files/{file_id}")
        if role in ("quality", "admin"):
            assert content.content == glb(), role
            assert _ok(meta)["filename"] == "assy.glb"
            _ok(view)
        elif role == NO_ROLE:
            assert _code(content, 403) == _code(view, 403) == _code(meta, 403) == "no_role"
        elif role == "sync":
            # another site's token reads nothing but the doc-sync endpoints
            assert _code(content, 403) == _code(view, 403) == _code(meta, 403) == "role_required"
        else:
            assert _code(content, 403) == "overlay_access_denied", role
            assert _code(meta, 403) == "overlay_access_denied", role
            assert _code(view, 403) == "overlay_access_denied", role


@pytest.mark.parametrize(
    ("path", "action", "allowed"),
    [
        ("/eco/{id}/transitions", {"action": "apply"}, ENGINEER),
        ("/eco/{id}/transitions", {"action": "cancel"}, ENGINEER),
        ("/eco/{id}/transitions", {"action": "move", "stage_id": BOGUS_ID}, ENGINEER),
        # a decision is for the stage's approval roles: checked on the ECO, so any role here
        ("/eco/{id}/transitions", {"action": "approve"}, ANY_ROLE),
        ("/items/{id}/transitions", {"action": "submit"}, ENGINEER),
        ("/items/{id}/transitions", {"action": "obsolete"}, ENGINEER),
        ("/items/{id}/transitions", {"action": "release"}, ENGINEER_APPROVER),
        ("/items/{id}/transitions", {"action": "reject"}, ENGINEER_APPROVER),
    ],
)
def test_an_actions_roles_are_checked_before_the_lookup(
    world: World, path: str, action: dict[str, str], allowed: frozenset[str]
) -> None:
    """The action is in the body: a role that may not take it gets 403 for any id."""
    url = API + path.format(id=BOGUS_ID)
    for role in ROLES:
        status, code = _probe_body(world.clients[role], url, action)
        if role in allowed:
            assert status == 404, (role, status, code)
        else:
            assert (status, code) == (403, "role_required"), role


def _probe_body(client: TestClient, url: str, body: dict[str, str]) -> tuple[int, str]:
    response = client.post(url, json=body)
    return response.status_code, response.json()["detail"]["code"]


def test_a_site_secret_is_never_answered_to_anyone(world: World) -> None:
    secret = "plant-2-token-matrix-7c1e"
    site = {"name": "matrix-site", "endpoint": "http://127.0.0.1:9", "auth_mode": "token"}
    created = _ok(
        world.clients["admin"].post(f"{API}/doc-sync/sites", json={**site, "auth_secret": secret}),
        201,
    )
    for role in (*ROLES, NO_ROLE):
        client = world.clients[role]
        for path in ("/doc-sync/sites", f"/doc-sync/sites/{created['id']}"):
            answer = client.get(f"{API}{path}")
            assert secret not in answer.text, (role, path)
            if role in ANY_ROLE:
                assert answer.status_code == 200, (role, answer.text)
                assert "secret_configured" in answer.text
        change = client.patch(
            f"{API}/doc-sync/sites/{created['id']}", json={"auth_secret": "x" * 12}
        )
        assert change.status_code == (200 if role == "admin" else 403), role
        assert secret not in change.text
