"""Answer shapes of the file endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from yuantus.core.schemas import ReadSchema

FileRole = Literal["native", "viewable", "printout", "attachment"]


class FileRead(ReadSchema):
    """A stored file's metadata; sha256 is also the download's ETag."""

    id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    created_by: str | None
    created_by_name: str | None
    created_at: datetime


class ItemFileRead(ReadSchema):
    """A file attached to an item revision in a role."""

    id: str
    item_id: str
    item_number: str
    item_revision: str
    item_name: str
    file_id: str
    role: str
    created_by: str | None
    created_by_name: str | None
    created_at: datetime
    file: FileRead
