"""The `sort` allow-lists of work centers, routings and work orders."""

from typing import Annotated

from yuantus.core.sorting import SortOrder, sort_dependency
from yuantus.manufacturing.models import Routing, WorkCenter, WorkOrder

WorkCenterSort = Annotated[
    SortOrder,
    sort_dependency(
        {"code": WorkCenter.code, "name": WorkCenter.name, "created_at": WorkCenter.created_at},
        default="code",
        tiebreak=WorkCenter.id,
    ),
]
RoutingSort = Annotated[
    SortOrder,
    sort_dependency(
        {
            "routing_code": Routing.routing_code,
            "version": Routing.version,
            "name": Routing.name,
            "state": Routing.state,
            "created_at": Routing.created_at,
        },
        default="routing_code,version",
        tiebreak=Routing.id,
    ),
]
WorkOrderSort = Annotated[
    SortOrder,
    sort_dependency(
        {
            "number": WorkOrder.number,
            "state": WorkOrder.state,
            "due_date": WorkOrder.due_date,
            "created_at": WorkOrder.created_at,
            "released_at": WorkOrder.released_at,
        },
        default="-number",
        tiebreak=WorkOrder.id,
    ),
]
