"""Files: store content, attach it to item revisions, list, detach and read it back."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO, Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuantus.core.db import new_id
from yuantus.core.errors import Conflict, Unprocessable, not_found
from yuantus.core.orm import get_or_404
from yuantus.core.pagination import PageParams, paginate
from yuantus.core.sorting import SortOrder
from yuantus.file import codes, content
from yuantus.file.models import FILE_ROLES, FileObject, ItemFile
from yuantus.file.storage import Storage, get_storage
from yuantus.identity.models import User
from yuantus.item import changes
from yuantus.item.models import Item

__all__ = [
    "attach",
    "copy_links",
    "detach",
    "get_file",
    "get_storage",
    "iter_content",
    "list_links",
    "list_links_page",
    "open_content",
    "store_bytes",
    "upload_to_item",
]


def store_bytes(
    session: Session,
    storage: Storage,
    filename: str,
    content_type: str | None,
    data: bytes | IO[bytes],
    user: User | None,
    *,
    max_bytes: int | None = None,
) -> FileObject:
    """Stream content into storage (hashing it) and record a file; 413 past max_bytes."""
    name = clean_filename(filename)
    check_header_safe("filename", filename or "")
    check_header_safe("content_type", content_type or "")
    with storage.stage(data, max_bytes) as staged:
        # hashed first so the lock is not held while the client streams; placed under the
        # lock, so content seen as already stored cannot be removed before this file commits
        content.lock_content(session, staged.key)
        blob = staged.place()
    if blob.created:
        content.remember_created(session, storage, blob)
    file_obj = FileObject(
        id=new_id(),
        filename=name,
        content_type=(content_type or guess_type(name))[:127],
        size=blob.size,
        sha256=blob.sha256,
        storage_key=blob.key,
        created_by=user.id if user else None,
    )
    session.add(file_obj)
    session.flush()
    return file_obj


def clean_filename(filename: str | None) -> str:
    """The last path component of a client's file name (browsers may send full paths)."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name.strip()
    return name[-255:] if name else "upload"


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_header_safe(field: str, value: str) -> None:
    """422 invalid_file_name when a name or type holds control characters (header injection)."""
    found = _CONTROL.search(value)
    if found is not None:
        raise Unprocessable(
            f"the upload's {field} holds a control character (U+{ord(found.group()):04X})",
            code=codes.INVALID_FILE_NAME,
            context={"field": field, "character": f"U+{ord(found.group()):04X}"},
        )


def guess_type(filename: str) -> str:
    """A content type from the file name, octet-stream when unknown."""
    extra = {".glb": "model/gltf-binary", ".gltf": "model/gltf+json"}
    suffix = PurePosixPath(filename).suffix.lower()
    return extra.get(suffix) or mimetypes.guess_type(filename)[0] or "application/octet-stream"


def attach(
    session: Session, item: Item, file_obj: FileObject, role: str, user: User | None
) -> ItemFile:
    """Link a stored file to an open revision in a role; 409 item_frozen when released."""
    from yuantus.item import service as item_service

    _check_role(role)
    item = item_service.lock_editable(session, item.id)
    duplicate = session.scalar(
        select(ItemFile.id).where(
            ItemFile.item_id == item.id, ItemFile.file_id == file_obj.id, ItemFile.role == role
        )
    )
    if duplicate:
        raise Conflict(
            "the file is already attached to this revision in that role",
            code=codes.FILE_ALREADY_ATTACHED,
            context={"item_id": item.id, "file_id": file_obj.id, "role": role},
        )
    link = ItemFile(
        id=new_id(),
        item_id=item.id,
        file_id=file_obj.id,
        role=role,
        created_by=user.id if user else None,
    )
    link.file = file_obj
    session.add(link)
    session.flush()
    _notify(session, item, link, "add", None, link_snapshot(link), user)
    return link


def upload_to_item(
    session: Session,
    storage: Storage,
    item_id: str,
    *,
    filename: str | None,
    content_type: str | None,
    stream: IO[bytes],
    role: str,
    user: User | None,
    max_bytes: int | None,
) -> ItemFile:
    """Store an uploaded stream and attach it to a revision; refusals happen before storing."""
    from yuantus.item import service as item_service

    # lock the revision so a release racing this upload cannot freeze it halfway
    _check_role(role)
    item = item_service.lock_editable(session, item_id)
    file_obj = store_bytes(
        session, storage, filename or "upload", content_type, stream, user, max_bytes=max_bytes
    )
    return attach(session, item, file_obj, role, user)


def list_links(session: Session, item_id: str) -> list[ItemFile]:
    """The file links of a revision, in the order they were attached."""
    query = select(ItemFile).where(ItemFile.item_id == item_id)
    return list(session.scalars(query.order_by(ItemFile.created_at, ItemFile.id)))


def list_links_page(
    session: Session, item_id: str, page: PageParams, sort: SortOrder | None = None
) -> tuple[list[Any], int]:
    """One page of a revision's file links and their count; 404 for an unknown revision."""
    from yuantus.item import service as item_service

    item_service.get(session, item_id)
    query = select(ItemFile).where(ItemFile.item_id == item_id)
    return paginate(session, query.order_by(ItemFile.created_at, ItemFile.id), page, sort)


def detach(session: Session, item_id: str, link_id: str, user: User | None = None) -> None:
    """Remove a file link from an open revision (the stored content stays for history)."""
    from yuantus.item import service as item_service

    item = item_service.get_for_update(session, item_id)
    link = session.get(ItemFile, link_id)
    if link is None or link.item_id != item.id:
        raise not_found("item_file", link_id)
    item_service.ensure_editable(item)
    before = link_snapshot(link)
    session.delete(link)
    session.flush()
    _notify(session, item, link, "remove", before, None, user)


def link_snapshot(link: ItemFile) -> dict[str, Any]:
    """A file link as JSON: role and the file's name, size and sha256."""
    return {
        "id": link.id,
        "file_id": link.file_id,
        "role": link.role,
        "filename": link.file.filename,
        "size": link.file.size,
        "sha256": link.file.sha256,
    }


def _notify(
    session: Session,
    item: Item,
    link: ItemFile,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    user: User | None,
) -> None:
    changes.notify(
        session,
        item,
        "item_file",
        link.id,
        action,
        before=before,
        after=after,
        user_id=user.id if user else None,
    )


def copy_links(session: Session, source: Item, target: Item) -> None:
    """Link the target revision to every file of the source revision, in the same roles."""
    for link in list_links(session, source.id):
        session.add(
            ItemFile(
                item_id=target.id, file_id=link.file_id, role=link.role, created_by=link.created_by
            )
        )
    session.flush()


def get_file(session: Session, file_id: str) -> FileObject:
    """A stored file's metadata; 404 file_not_found."""
    return get_or_404(session, FileObject, file_id, codes.FILE_NOT_FOUND)


def open_content(storage: Storage, file_obj: FileObject) -> BinaryIO:
    """A readable stream of a file's whole content."""
    return storage.open(file_obj.storage_key)


def iter_content(
    storage: Storage, file_obj: FileObject, start: int = 0, end: int | None = None
) -> Iterator[bytes]:
    """A file's content (or the inclusive byte range start..end) in chunks."""
    return storage.iter_range(file_obj.storage_key, start, end)


def _check_role(role: str) -> None:
    if role not in FILE_ROLES:
        raise Unprocessable(
            f"unknown file role {role!r}",
            code=codes.UNKNOWN_FILE_ROLE,
            context={"allowed": list(FILE_ROLES)},
        )
