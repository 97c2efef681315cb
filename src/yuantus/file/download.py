"""HTTP downloads: ETag, Content-Disposition and single byte ranges (RFC 9110)."""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.responses import JSONResponse, Response, StreamingResponse

from yuantus.core.http import error_body
from yuantus.file import service
from yuantus.file.models import FileObject
from yuantus.file.storage import Storage

# 18 digits hold any real offset; longer numbers are no range a client means (and int() of
# thousands of digits raises ValueError in Python >= 3.11: a 500 before this bound)
_RANGE = re.compile(r"^bytes=(\d{0,18})-(\d{0,18})$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Unsatisfiable(Exception):
    """The range lies outside the content."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive byte range a Range header asks for; None means the whole content."""
    if not header:
        return None
    match = _RANGE.match(header.strip().replace(" ", ""))
    # several ranges or another unit: serving the whole content is allowed and simplest
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return max(size - suffix, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None  # syntactically invalid: ignore it
    if start >= size:
        raise Unsatisfiable
    return start, end


def content_disposition(filename: str, inline: bool) -> str:
    """attachment/inline with an ASCII fallback name and the exact UTF-8 name (RFC 6266)."""
    # rows stored before upload names were checked may hold control characters: never in a header
    filename = _CONTROL.sub("_", filename)
    fallback = filename.encode("ascii", "replace").decode()
    fallback = fallback.replace('"', "_").replace("?", "_").replace("\\", "_")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def content_response(
    storage: Storage,
    file_obj: FileObject,
    *,
    range_header: str | None,
    if_none_match: str | None,
    inline: bool = False,
) -> Response:
    """The file's content as a streamed 200, a 206 for a range, a 304 or a 416."""
    etag = f'"{file_obj.sha256}"'
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        "Content-Disposition": content_disposition(file_obj.filename, inline),
        "Cache-Control": "private, max-age=0, must-revalidate",
    }
    if if_none_match:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        if "*" in tags or etag in tags:
            return Response(status_code=304, headers=headers)
    try:
        wanted = parse_range(range_header, file_obj.size)
    except Unsatisfiable:
        body = error_body(
            "range_not_satisfiable",
            f"the range is outside the content of {file_obj.size} bytes",
            {"size": file_obj.size, "range": range_header},
        )
        return JSONResponse(
            body, status_code=416, headers={"Content-Range": f"bytes */{file_obj.size}"}
        )
    if wanted is None:
        headers["Content-Length"] = str(file_obj.size)
        chunks = service.iter_content(storage, file_obj)
        return StreamingResponse(chunks, media_type=file_obj.content_type, headers=headers)
    start, end = wanted
    headers["Content-Length"] = str(end - start + 1)
    headers["Content-Range"] = f"bytes {start}-{end}/{file_obj.size}"
    chunks = service.iter_content(storage, file_obj, start, end)
    return StreamingResponse(
        chunks, status_code=206, media_type=file_obj.content_type, headers=headers
    )
