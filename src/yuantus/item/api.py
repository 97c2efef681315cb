"""HTTP endpoints of the item domain."""

from fastapi import APIRouter

from yuantus.core.http import TransactionalRoute

router = APIRouter(route_class=TransactionalRoute, tags=["item"])
