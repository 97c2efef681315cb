"""HTTP endpoints of the job domain."""

from fastapi import APIRouter

from yuantus.core.http import TransactionalRoute

router = APIRouter(route_class=TransactionalRoute, tags=["job"])
