"""HTTP endpoints of the eco domain."""

from fastapi import APIRouter

from yuantus.core.http import TransactionalRoute

router = APIRouter(route_class=TransactionalRoute, tags=["eco"])
