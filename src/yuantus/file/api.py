"""HTTP endpoints of the file domain: item file links, file metadata and content."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Header, Query, Response, UploadFile, status

from yuantus.core.deps import SessionDep, SettingsDep
from yuantus.core.http import TransactionalRoute
from yuantus.core.pagination import PageDep
from yuantus.core.schemas import Page
from yuantus.file import service
from yuantus.file.download import content_response
from yuantus.file.guards import check_download
from yuantus.file.models import FileObject, ItemFile
from yuantus.file.schemas import FileRead, FileRole, ItemFileRead
from yuantus.file.sorts import FileLinkSort
from yuantus.file.storage import Storage, get_storage
from yuantus.identity.deps import CurrentUser, require_role
from yuantus.identity.models import User

router = APIRouter(route_class=TransactionalRoute, tags=["file"])
Engineer = Annotated[User, Depends(require_role("engineer"))]


def storage_dep(settings: SettingsDep) -> Storage:
    """The configured storage backend."""
    return get_storage(settings)


StorageDep = Annotated[Storage, Depends(storage_dep)]
# the content goes out with the media type it was uploaded with, whatever that is
_BINARY = {"*/*": {"schema": {"type": "string", "format": "binary"}}}


@router.post(
    "/items/{item_id}/files", response_model=ItemFileRead, status_code=status.HTTP_201_CREATED
)
def upload_item_file(
    item_id: str,
    file: Annotated[UploadFile, File(description="the file's content")],
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    user: Engineer,
    role: Annotated[FileRole, Form()] = "attachment",
) -> ItemFile:
    """Upload a file (streamed, hashed) and attach it to an open revision in a role."""
    return service.upload_to_item(
        session,
        storage,
        item_id,
        filename=file.filename,
        content_type=file.content_type,
        stream=file.file,
        role=role,
        user=user,
        max_bytes=settings.max_upload_bytes,
    )


@router.get("/items/{item_id}/files", response_model=Page[ItemFileRead])
def list_item_files(
    item_id: str, session: SessionDep, _user: CurrentUser, page: PageDep, sort: FileLinkSort
) -> Page[ItemFileRead]:
    """The files attached to a revision."""
    rows, total = service.list_links_page(session, item_id, page, sort)
    return Page.of([ItemFileRead.model_validate(r) for r in rows], total, page)


@router.delete("/items/{item_id}/files/{link_id}", status_code=status.HTTP_204_NO_CONTENT)
def detach_item_file(item_id: str, link_id: str, session: SessionDep, user: Engineer) -> Response:
    """Detach a file from an open revision; 409 item_frozen when released."""
    service.detach(session, item_id, link_id, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/files/{file_id}",
    response_model=FileRead,
    responses={403: {"description": "A download guard refuses the file to the user."}},
)
def get_file(file_id: str, session: SessionDep, user: CurrentUser) -> FileObject:
    """A stored file's metadata, including its sha256 (guarded like its content)."""
    file_obj = service.get_file(session, file_id)
    # the name, size and sha256 of a restricted file say what the content is: same guard
    check_download(session, file_obj.id, user)
    return file_obj


@router.get(
    "/files/{file_id}/content",
    response_class=Response,
    responses={
        200: {"description": "The whole content, typed as stored.", "content": _BINARY},
        206: {"description": "The asked byte range (Content-Range).", "content": _BINARY},
        304: {"description": "Unchanged since the If-None-Match ETag."},
        403: {"description": "A download guard refuses the file to the user (file/guards.py)."},
        416: {"description": "The range is outside the file (Content-Range: bytes */size)."},
    },
)
def download_file(
    file_id: str,
    session: SessionDep,
    storage: StorageDep,
    user: CurrentUser,
    range_header: Annotated[
        str | None, Header(alias="Range", description="one byte range, e.g. bytes=0-1023")
    ] = None,
    if_none_match: Annotated[
        str | None, Header(description="an ETag from an earlier answer: 304 when unchanged")
    ] = None,
    inline: Annotated[
        bool, Query(description="Content-Disposition inline instead of attachment")
    ] = False,
) -> Response:
    """Stream a file's content (ETag = sha256; single Range requests answer 206)."""
    file_obj = service.get_file(session, file_id)
    check_download(session, file_obj.id, user)
    return content_response(
        storage, file_obj, range_header=range_header, if_none_match=if_none_match, inline=inline
    )
