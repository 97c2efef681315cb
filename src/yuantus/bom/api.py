"""HTTP endpoints of the bom domain."""

from fastapi import APIRouter

from yuantus.core.http import TransactionalRoute

router = APIRouter(route_class=TransactionalRoute, tags=["bom"])
