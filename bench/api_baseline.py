"""The load benchmark's baseline: a bare Starlette app answering one fixed JSON document."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

# about the size of one item answer, so the baseline pays a similar serialization cost
DOCUMENT = {
    "id": "00000000-0000-0000-0000-000000000000",
    "item_type": "Part",
    "item_number": "TOP-1-2-3",
    "revision": "A",
    "name": "TOP-1-2-3",
    "state": "Released",
    "properties": {},
}


async def fixed(_request: Request) -> JSONResponse:
    """The fixed document."""
    return JSONResponse(DOCUMENT)


app = Starlette(routes=[Route("/fixed", fixed)])
