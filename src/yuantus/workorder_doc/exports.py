"""The pack's forms: manifest (json), a streamed zip with the files, a stamped PDF book.

Every export is logged as a controlled copy (who, when, which revisions and file hashes).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy.orm import Session

from yuantus.file import service as file_service
from yuantus.file.storage import Storage
from yuantus.workorder_doc.models import DocumentPackExport, DocumentPackExportItem
from yuantus.workorder_doc.schemas import (
    PackDocument,
    PackFile,
    PackManifest,
    PackSection,
)
from yuantus.workorder_doc.service import Doc, Pack

CSV_COLUMNS = ("operation", "document", "revision", "state", "status", "source", "files")


def _doc(doc: Doc) -> PackDocument:
    number = doc.current.item_number if doc.current else doc.config_id
    return PackDocument(
        document_config_id=doc.config_id,
        item_number=number,
        name=doc.current.name if doc.current else "",
        revision=doc.row.revision if doc.row else None,
        state=doc.row.state if doc.row else None,
        status="ok" if doc.row else "missing",
        source=doc.source,  # type: ignore[arg-type]
        files=[
            PackFile(filename=f.filename, role=link.role, size=f.size, sha256=f.sha256)
            for link, f in doc.files
        ],
    )


def record(session: Session, pack: Pack, export_format: str) -> DocumentPackExport:
    """Log the export with each document revision and its file hashes."""
    row = DocumentPackExport(
        workorder_id=pack.workorder.id if pack.workorder else None,
        routing_id=pack.routing.id,
        operation_id=pack.operation_id,
        export_format=export_format,
        rule=pack.rule.describe(),
        generated_by=pack.user.id,
        generated_by_name=pack.user.username,
        generated_at=pack.generated_at,
    )
    session.add(row)
    session.flush()
    for doc in pack.documents():
        session.add(
            DocumentPackExportItem(
                export_id=row.id,
                document_config_id=doc.config_id,
                item_number=doc.current.item_number if doc.current else doc.config_id,
                revision=doc.row.revision if doc.row else None,
                files=[{"filename": f.filename, "sha256": f.sha256} for _l, f in doc.files],
            )
        )
    session.flush()
    return row


def manifest(pack: Pack, export_id: str) -> PackManifest:
    """The manifest of a pack."""
    assert isinstance(pack.generated_at, datetime)
    return PackManifest(
        export_id=export_id,
        routing_id=pack.routing.id,
        routing_code=pack.routing.routing_code,
        routing_version=pack.routing.version,
        operation_id=pack.operation_id,
        workorder_id=pack.workorder.id if pack.workorder else None,
        workorder_number=pack.workorder.number if pack.workorder else None,
        generated_at=pack.generated_at,
        generated_by=pack.user.username,
        rule=pack.rule.describe(),
        sections=[
            PackSection(
                operation_id=s.operation.id if s.operation else None,
                operation_number=s.operation.operation_number if s.operation else None,
                operation_name=s.operation.name if s.operation else None,
                documents=[_doc(d) for d in s.docs],
            )
            for s in pack.sections
        ],
    )


def documents_csv(content: PackManifest) -> str:
    """One row per document per section."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for section in content.sections:
        where = (
            f"{section.operation_number} {section.operation_name}"
            if section.operation_id
            else "routing"
        )
        for d in section.documents:
            files = "; ".join(f"{f.filename} ({f.sha256[:12]})" for f in d.files)
            writer.writerow(
                [where, d.item_number, d.revision or "", d.state or "", d.status, d.source, files]
            )
    return out.getvalue()


def folder(doc: Doc) -> str:
    """Where a document revision's files go in the zip."""
    number = doc.current.item_number if doc.current else doc.config_id
    return f"documents/{number}_{doc.row.revision if doc.row else 'missing'}"


class _Sink(io.RawIOBase):
    """A write-only stream the zip writes into; the generator hands out what it holds."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._chunks.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def take(self) -> bytes:
        """The bytes written since the last take."""
        out = b"".join(self._chunks)
        self._chunks.clear()
        return out


def zip_stream(pack: Pack, content: PackManifest, storage: Storage) -> Iterator[bytes]:
    """The zip, produced while it is sent: a file's chunks go out as they are read."""
    sink = _Sink()
    # the sink cannot seek: zipfile writes data descriptors after each member instead
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr("manifest.json", content.model_dump_json(indent=2))
        zf.writestr("documents.csv", documents_csv(content))
        yield sink.take()
        for doc in pack.documents():
            if doc.row is None:
                continue
            for _link, file_obj in doc.files:
                info = zipfile.ZipInfo(f"{folder(doc)}/{file_obj.filename}")
                info.compress_type = zipfile.ZIP_STORED
                with zf.open(info, "w", force_zip64=file_obj.size > 2**31) as member:
                    for chunk in file_service.iter_content(storage, file_obj):
                        member.write(chunk)
                        yield sink.take()
    yield sink.take()


def manifest_json(content: PackManifest) -> bytes:
    """The json export."""
    return json.dumps(content.model_dump(mode="json"), indent=2).encode()
