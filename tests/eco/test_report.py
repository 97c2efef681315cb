"""GET /eco/{id}/report in Markdown, CSV and PDF: header, stages, approvals, BOM and files."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.helpers import release_four_eyes
from yuantus.bom import service as bom_service
from yuantus.bom.snapshot import revision_lines
from yuantus.core.db import Database
from yuantus.eco import service as eco_service
from yuantus.eco import stages as stage_service
from yuantus.identity import service as identity_service
from yuantus.identity.models import User
from yuantus.item import service as item_service

AsUser = Callable[[str], TestClient]


def _upload(c: TestClient, item_id: str, name: str, data: bytes, role: str) -> str:
    r = c.post(f"/api/v1/items/{item_id}/files", files={"file": (name, data)}, data={"role": role})
    assert r.status_code == 201, r.text
    link_id: str = r.json()["id"]
    return link_id


def _links(c: TestClient, item_id: str) -> dict[str, str]:
    items = c.get(f"/api/v1/items/{item_id}/files").json()["items"]
    return {row["file"]["filename"]: row["id"] for row in items}


@pytest.fixture
def eco_number(database: Database, users: dict[str, User], as_user: AsUser) -> tuple[str, str]:
    """ECO on GB-100: BOLT-8 4 -> 6, RIB-2 added; drawing replaced, model added, spec removed."""
    eng = as_user("engineer")
    with database.scope() as s:
        engineer = identity_service.get_by_username(s, "engineer")
        bolt = item_service.create(s, "Part", "Hex bolt M8", item_number="BOLT-8", user=engineer)
        rib = item_service.create(s, "Part", "Housing rib", item_number="RIB-2", user=engineer)
        gb = item_service.create(s, "Part", "Gearbox", item_number="GB-100", user=engineer)
        bom_service.add_child(s, gb, bolt, 4, find_num="10", user=engineer)
        ids = {"bolt": bolt.id, "rib": rib.id, "gb": gb.id}
    _upload(eng, ids["gb"], "drawing.pdf", b"%PDF-1.4 drawing rev A", "printout")
    _upload(eng, ids["gb"], "spec.txt", b"spec", "attachment")
    with database.scope() as s:
        engineer = identity_service.get_by_username(s, "engineer")
        approver = identity_service.get_by_username(s, "approver")
        assert engineer is not None
        assert approver is not None
        for key in ("bolt", "rib", "gb"):
            release_four_eyes(s, item_service.get(s, ids[key]), engineer)
        eco = eco_service.create_eco(
            s,
            name="Stiffer housing",
            eco_type="bom",
            product_id=ids["gb"],
            user=engineer,
            priority="high",
            description="The housing | cracked in tests.",
        )
        eco = eco_service.action_new_revision(s, eco, engineer)
        assert eco.target_item_id is not None
        target = item_service.get(s, eco.target_item_id)
        (line,) = revision_lines(s, target.id)
        bom_service.update_line(s, line, quantity=6, user=engineer)
        bom_service.add_child(
            s, target, item_service.get(s, ids["rib"]), 2, find_num="90", user=engineer
        )
        eco_id, target_id = eco.id, target.id
    links = _links(eng, target_id)
    assert eng.delete(f"/api/v1/items/{target_id}/files/{links['drawing.pdf']}").status_code == 204
    assert eng.delete(f"/api/v1/items/{target_id}/files/{links['spec.txt']}").status_code == 204
    _upload(eng, target_id, "drawing.pdf", b"%PDF-1.4 drawing rev B, with the rib", "printout")
    _upload(eng, target_id, "housing.step", b"ISO-10303-21; rib", "native")
    with database.scope() as s:
        engineer = identity_service.get_by_username(s, "engineer")
        approver = identity_service.get_by_username(s, "approver")
        assert engineer is not None
        assert approver is not None
        eco = eco_service.get(s, eco_id)
        review = next(
            st for st in stage_service.ordered_stages(s) if st.name == "Engineering Review"
        )
        eco = eco_service.move_to_stage(s, eco, review, engineer)
        eco = eco_service.approve(s, eco, approver, "stiffer, checked on the rig")
        return eco_id, eco.number


def test_markdown_report(as_user: AsUser, eco_number: tuple[str, str]) -> None:
    eco_id, number = eco_number
    r = as_user("viewer").get(f"/api/v1/eco/{eco_id}/report")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/markdown")
    assert f'filename="{number}-report.md"' in r.headers["content-disposition"]
    text = r.content.decode("utf-8")
    assert text.startswith(f"# ECO report {number}: Stiffer housing\n")
    for line in (
        f"- **number**: {number}",
        "- **product**: GB-100 Gearbox",
        "- **source revision**: A (Released)",
        "- **target revision**: B (Draft)",
        "- **priority**: high",
        "- **created by**: engineer",
        "- **description**: The housing | cracked in tests.",
        "| New | passed | no approval |",
        # the approval completed the stage, which moved on by itself
        "| Engineering Review | passed | mandatory: 1 of approver |",
        "| Ready to Apply | current | no approval |",
        "| Done | ahead | no approval |",
        "2 change(s): 1 added, 0 removed, 1 changed; overall risk high",
        "| update GB-100 > BOLT-8 (Hex bolt M8) | quantity | 4 | 6 | major |",
        "| add GB-100 > RIB-2 (Housing rib) | quantity |  | 2 | major |",
        "| add GB-100 > RIB-2 (Housing rib) | find number |  | 90 | major |",
        "| attachment | spec.txt | removed | 4 B, sha256 ",
        "| native | housing.step | added |  | 17 B, sha256 ",
        "| printout | drawing.pdf | replaced | 22 B, sha256 ",
    ):
        assert line in text, line
    approval = next(x for x in text.splitlines() if x.startswith("| Engineering Review | approver"))
    cells = [c.strip() for c in approval.strip("|").split("|")]
    assert cells[2:] == ["approved", cells[3], "stiffer, checked on the rig"]
    assert cells[3].endswith(" UTC")
    assert cells[3][:2] == "20"
    # no ids or JSON in a report people read
    assert eco_id not in text
    assert "{" not in text


def test_csv_report(as_user: AsUser, eco_number: tuple[str, str]) -> None:
    eco_id, number = eco_number
    r = as_user("viewer").get(f"/api/v1/eco/{eco_id}/report", params={"format": "csv"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8"))))
    assert rows[0] == ["section", "subject", "field", "before", "after", "change", "user", "date"]
    assert ["header", number, "product", "", "GB-100 Gearbox", "", "", ""] in rows
    bom = [row[1:6] for row in rows if row[0] == "bom"]
    assert bom == [
        ["update GB-100 > BOLT-8 (Hex bolt M8)", "quantity", "4", "6", "quantity 4 → 6"],
        ["add GB-100 > RIB-2 (Housing rib)", "quantity", "", "2", "added with quantity 2"],
        ["add GB-100 > RIB-2 (Housing rib)", "uom", "", "EA", "added with unit EA"],
        ["add GB-100 > RIB-2 (Housing rib)", "find_num", "", "90", "added with find number 90"],
    ]
    approvals = [row for row in rows if row[0] == "approval"]
    assert [(a[1], a[4], a[5], a[6]) for a in approvals] == [
        ("Engineering Review", "approved", "stiffer, checked on the rig", "approver")
    ]
    files = [(row[1], row[2], row[5]) for row in rows if row[0] == "file"]
    assert files == [
        ("spec.txt", "attachment", "removed"),
        ("housing.step", "native", "added"),
        ("drawing.pdf", "printout", "replaced"),
    ]


def test_pdf_report_and_bad_requests(as_user: AsUser, eco_number: tuple[str, str]) -> None:
    eco_id, number = eco_number
    c = as_user("viewer")
    r = c.get(f"/api/v1/eco/{eco_id}/report", params={"format": "pdf"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    for expected in (number, "GB-100 Gearbox", "BOLT-8", "RIB-2", "approver", "housing.step"):
        assert expected in text, expected
    assert c.get(f"/api/v1/eco/{eco_id}/report", params={"format": "docx"}).status_code == 422
    r = c.get("/api/v1/eco/no-such-eco/report")
    assert r.status_code == 404
    assert r.json()["detail"]["code"] == "eco_not_found"
    assert c.get(f"/api/v1/eco/{eco_id}/report", params={"fmt": "md"}).status_code == 422


def test_report_of_an_eco_without_a_target(
    as_user: AsUser, database: Database, users: dict[str, User]
) -> None:
    with database.scope() as s:
        engineer = identity_service.get_by_username(s, "engineer")
        gb = item_service.create(s, "Part", "Gearbox", item_number="GB-200", user=engineer)
        release_four_eyes(s, gb, engineer)
        eco = eco_service.create_eco(
            s, name="Just an idea", eco_type="bom", product_id=gb.id, user=engineer
        )
        eco_id = eco.id
    text = as_user("viewer").get(f"/api/v1/eco/{eco_id}/report").content.decode()
    assert "- **target revision**: none yet" in text
    assert "no target revision yet" in text
    assert "No decisions yet." in text
    assert "No file changes." in text
    assert "| New | current | no approval |" in text
    pdf = as_user("viewer").get(f"/api/v1/eco/{eco_id}/report", params={"format": "pdf"})
    assert "Just an idea" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
