"""limit/offset paging shared by every list endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from yuantus.core.sorting import SortOrder

MAX_LIMIT = 500
# beyond any real table; keeps the bound value inside every database integer type
MAX_OFFSET = 1_000_000_000
T = TypeVar("T")


@dataclass(frozen=True)
class PageParams:
    """Bounded paging parameters."""

    limit: int = 50
    offset: int = 0


def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"rows per page, 1 to {MAX_LIMIT}")
    ] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")] = 0,
) -> PageParams:
    """Paging from the query string."""
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


def paginate(
    session: Session, query: Select[Any], page: PageParams, sort: SortOrder | None = None
) -> tuple[list[Any], int]:
    """The rows of one page of a query and the total count; `sort` replaces its ORDER BY."""
    if sort is not None:
        query = sort.apply(query)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(session.scalars(query.limit(page.limit).offset(page.offset)))
    return rows, int(total)
