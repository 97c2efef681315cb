"""HTTP endpoints of the file domain."""

from fastapi import APIRouter

from yuantus.core.http import TransactionalRoute

router = APIRouter(route_class=TransactionalRoute, tags=["file"])
