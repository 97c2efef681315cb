"""3D overlays over HTTP: upsert, the role matrix (overlay and file), lookups, extraction, batch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.cad3d.conftest import API, Client, Model, overlay_body
from tests.helpers import release_four_eyes
from yuantus.core.db import Database
from yuantus.identity.models import User
from yuantus.item import service as item_service

OVERLAYS = f"{API}/cad-3d/overlays"


def _ok(response: object, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    return response.json()  # type: ignore[attr-defined, no-any-return]


def _code(response: object, status: int) -> str:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    return str(response.json()["detail"]["code"])  # type: ignore[attr-defined]


def test_upsert_by_document_and_read_with_names(as_user: Client, model: Model) -> None:
    eng = as_user("engineer")
    created = _ok(eng.post(OVERLAYS, json=overlay_body(model, ["engineer"])), 201)
    assert (created["document_number"], created["document_revision"]) == ("MODEL", "A")
    assert [(c["component_ref"], c["item_number"]) for c in created["components"]] == [
        ("ASSY/FRAME", "F-100"),
        ("ASSY/OLD", "OBS-1"),
    ]
    again = _ok(eng.post(OVERLAYS, json=overlay_body(model, [], version_label="v2")), 200)
    assert (again["id"], again["visibility_roles"], again["version_label"]) == (
        created["id"],
        [],
        "v2",
    )
    kept = _ok(eng.post(OVERLAYS, json={**overlay_body(model, []), "components": None}))
    assert len(kept["components"]) == 2  # omitted components stay


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"document_item_id": "nope"}, 404, "item_not_found"),
        ({"visibility_roles": ["wizard"]}, 422, "validation_failed"),
        (
            {
                "components": [
                    {"component_ref": "A", "item_id": "x"},
                ]
            },
            404,
            "item_not_found",
        ),
    ],
)
def test_bad_overlays_are_refused(
    as_user: Client,
    model: Model,
    change: dict[str, Any],
    status: int,
    code: str,
) -> None:
    body = {**overlay_body(model, []), **change}
    assert _code(as_user("engineer").post(OVERLAYS, json=body), status) == code


def test_duplicate_refs_and_part_documents_are_refused(as_user: Client, model: Model) -> None:
    eng = as_user("engineer")
    dup = overlay_body(model, [])
    dup["components"].append({"component_ref": " assy/frame ", "item_id": model.ids["W-200"]})
    assert _code(eng.post(OVERLAYS, json=dup), 422) == "duplicate_component_ref"
    on_part = {**overlay_body(model, []), "document_item_id": model.ids["F-100"]}
    assert _code(eng.post(OVERLAYS, json=on_part), 422) == "not_a_document"
    assert _code(as_user("viewer").post(OVERLAYS, json=overlay_body(model, [])), 403) == (
        "role_required"
    )


def test_the_role_matrix_guards_the_overlay_and_the_file(as_user: Client, model: Model) -> None:
    content = f"{API}/files/{model.file_id}/content"
    assert as_user("viewer").get(content).status_code == 200  # no overlay yet: not restricted
    _ok(as_user("engineer").post(OVERLAYS, json=overlay_body(model, ["engineer"])), 201)
    url = f"{OVERLAYS}/{model.ids['MODEL']}"
    lookup = f"{url}/components/ASSY/FRAME"
    for role, allowed in (
        ("viewer", False),
        ("production", False),
        ("engineer", True),
        ("admin", True),
    ):
        c = as_user(role)
        if allowed:
            _ok(c.get(url))
            _ok(c.get(lookup))
            assert c.get(content).status_code == 200
        else:
            assert _code(c.get(url), 403) == "overlay_access_denied"
            assert _code(c.get(lookup), 403) == "overlay_access_denied"
            assert _code(c.post(f"{url}/components/resolve", json={"refs": ["x"]}), 403) == (
                "overlay_access_denied"
            )
            assert _code(c.get(content), 403) == "overlay_access_denied"
    assert _code(as_user("viewer").get(f"{OVERLAYS}/nope"), 404) == "item_not_found"
    assert _code(as_user("viewer").get(f"{OVERLAYS}/{model.ids['F-100']}"), 404) == (
        "overlay_not_found"
    )


def test_a_lookup_is_live_and_follows_a_new_release(
    as_user: Client, model: Model, database: Database, users: dict[str, User]
) -> None:
    _ok(as_user("engineer").post(OVERLAYS, json=overlay_body(model, [])), 201)
    v = as_user("viewer")
    url = f"{OVERLAYS}/{model.ids['MODEL']}/components"
    first = _ok(v.get(f"{url}/ASSY/FRAME"))
    assert first["status"] == "ok"
    assert (first["item"]["item_number"], first["item"]["revision"]) == ("F-100", "A")
    assert first["rule"]["kind"] == "released"
    assert [(d["item_number"], d["revision"], d["role"]) for d in first["documents"]] == [
        ("DRW-1", "A", "drawing")
    ]
    assert _ok(v.get(f"{url}/  assy/frame "))["component_ref"] == "ASSY/FRAME"  # trimmed, any case
    assert _ok(v.get(f"{url}/ASSY/OLD"))["status"] == "obsolete"
    assert _code(v.get(f"{url}/ASSY/NOPE"), 404) == "component_not_found"
    with database.scope() as s:
        revised = item_service.revise(s, item_service.get(s, model.ids["F-100"]), users["engineer"])
        revised_id = revised.id
    draft = _ok(v.get(f"{url}/ASSY/FRAME"))
    assert draft["item"]["revision"] == "A"  # a draft B is not released yet
    with database.scope() as s:
        release_four_eyes(s, item_service.get(s, revised_id))
    now = _ok(v.get(f"{url}/ASSY/FRAME"))
    assert (now["item"]["revision"], now["item"]["state"]) == ("B", "Released")
    # the drawing link was copied to revision B
    assert [d["item_number"] for d in now["documents"]] == ["DRW-1"]


def test_extraction_maps_nodes_by_extras_and_by_name(as_user: Client, model: Model) -> None:
    eng = as_user("engineer")
    url = f"{OVERLAYS}/{model.ids['MODEL']}/extract"
    dry = _ok(eng.post(url))
    assert dry["applied"] is False
    matched = {(n["node_path"], n["item_number"], n["matched_by"]) for n in dry["matched"]}
    assert matched == {
        ("ASSY/FRAME", "F-100", "extras"),
        ("ASSY/W-200", "W-200", "name"),
        ("ASSY/w-200 ", "W-200", "name"),
    }
    assert {(n["node_path"], n["reason"]) for n in dry["unmatched"]} == {
        ("ASSY", "no part with that name"),
        ("ASSY/bolt", "no part with that name"),
        ("ASSY/mystery", "no part X-999"),
    }
    refs = sorted(n["component_ref"] for n in dry["matched"])
    assert refs[:2] == ["ASSY/FRAME", "ASSY/W-200"]
    assert refs[2].startswith("ASSY/w-200 #")
    assert _code(eng.get(f"{OVERLAYS}/{model.ids['MODEL']}"), 404) == "overlay_not_found"
    applied = _ok(eng.post(url, params={"apply": "true"}))
    assert applied["applied"] is True
    overlay = _ok(eng.get(f"{OVERLAYS}/{model.ids['MODEL']}"))
    assert sorted(c["item_number"] for c in overlay["components"]) == ["F-100", "W-200", "W-200"]


def test_extraction_refuses_what_is_not_a_model(as_user: Client, model: Model) -> None:
    eng = as_user("engineer")
    drawing = model.ids["DRW-1"]
    assert _code(eng.post(f"{OVERLAYS}/{drawing}/extract"), 409) == "no_viewable_file"
    with_pdf = eng.post(
        f"{API}/items", json={"item_type": "Document", "name": "Not a model"}
    ).json()
    upload = eng.post(
        f"{API}/items/{with_pdf['id']}/files",
        files={"file": ("fake.glb", b"%PDF-1.7 not a model", "model/gltf-binary")},
        data={"role": "viewable"},
    )
    assert upload.status_code == 201
    assert _code(eng.post(f"{OVERLAYS}/{with_pdf['id']}/extract"), 422) == "not_gltf"
    assert _code(eng.post(f"{OVERLAYS}/nope/extract"), 409) == "no_viewable_file"


@pytest.fixture
def statements(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    yield seen
    event.remove(database.engine, "before_cursor_execute", count)


def test_a_batch_resolve_uses_a_fixed_number_of_queries(
    as_user: Client, model: Model, statements: list[str]
) -> None:
    eng = as_user("engineer")
    components = [
        {"component_ref": f"ASSY/FRAME-{i}", "item_id": model.ids["F-100" if i % 2 else "W-200"]}
        for i in range(1000)
    ]
    body = {**overlay_body(model, []), "components": components}
    _ok(eng.post(OVERLAYS, json=body), 201)
    url = f"{OVERLAYS}/{model.ids['MODEL']}/components/resolve"
    v = as_user("viewer")

    def resolve(count: int) -> tuple[int, dict[str, Any]]:
        statements.clear()
        refs = [f"assy/frame-{i}" for i in range(count)] + ["unknown-ref"]
        answer = _ok(v.post(url, json={"refs": refs}))
        return len(statements), answer

    few, small = resolve(10)
    many, big = resolve(1000)
    assert len(big["resolved"]) == 1000
    assert big["unknown"] == ["unknown-ref"]
    assert {r["item"]["item_number"] for r in big["resolved"]} == {"F-100", "W-200"}
    assert [d["item_number"] for d in big["resolved"][1]["documents"]] == ["DRW-1"]
    assert many == few  # the query count does not grow with the refs
    too_many = v.post(url, json={"refs": [f"r{i}" for i in range(5001)]})
    assert _code(too_many, 413) == "too_many_refs"
    assert len(small["resolved"]) == 10


def test_a_model_restricted_to_production_reaches_production_only(
    as_user: Client, model: Model
) -> None:
    _ok(as_user("engineer").post(OVERLAYS, json=overlay_body(model, ["production"])), 201)
    content = f"{API}/files/{model.file_id}/content"
    assert as_user("production").get(content).status_code == 200
    assert as_user("engineer").get(content).status_code == 403
    assert isinstance(as_user("admin"), TestClient)
    assert as_user("admin").get(content).status_code == 200


def test_every_overlay_change_leaves_an_audit_row(as_user: Client, model: Model) -> None:
    eng = as_user("engineer")
    created = _ok(eng.post(OVERLAYS, json=overlay_body(model, ["engineer"])), 201)
    _ok(eng.post(OVERLAYS, json=overlay_body(model, ["engineer", "production"])))
    rows = _ok(as_user("admin").get(f"{API}/audit", params={"object_id": created["id"]}))
    trail = sorted(rows["items"], key=lambda r: r["created_at"])
    assert [(r["action"], r["actor_name"]) for r in trail] == [
        ("create", "engineer"),
        ("update", "engineer"),
    ]
    assert trail[1]["before"]["visibility_roles"] == ["engineer"]
    assert trail[1]["after"]["visibility_roles"] == ["engineer", "production"]
    assert trail[0]["after"]["components"][0][0] == "ASSY/FRAME"
