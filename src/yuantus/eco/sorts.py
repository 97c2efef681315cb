"""The `sort` allow-lists of the ECO lists."""

from typing import Annotated

from sqlalchemy import case

from yuantus.core.sorting import SortOrder, sort_dependency
from yuantus.eco.models import PRIORITIES, Eco, EcoApproval, EcoEvent, EcoStage

# priority sorts by urgency (low < normal < high < urgent), not alphabetically
_PRIORITY_RANK = case({p: rank for rank, p in enumerate(PRIORITIES)}, value=Eco.priority)

StageSort = Annotated[
    SortOrder,
    sort_dependency(
        {"sequence": EcoStage.sequence, "name": EcoStage.name},
        default="sequence,name",
        tiebreak=EcoStage.id,
    ),
]
EcoSort = Annotated[
    SortOrder,
    sort_dependency(
        {
            "number": Eco.number,
            "name": Eco.name,
            "state": Eco.state,
            "priority": _PRIORITY_RANK,
            "effectivity_date": Eco.effectivity_date,
            "created_at": Eco.created_at,
            "updated_at": Eco.updated_at,
        },
        default="-created_at,-number",
        tiebreak=Eco.id,
    ),
]
ApprovalSort = Annotated[
    SortOrder,
    sort_dependency(
        {
            "created_at": EcoApproval.created_at,
            "stage_visit": EcoApproval.stage_visit,
            "decision": EcoApproval.decision,
        },
        default="created_at,stage_visit",
        tiebreak=EcoApproval.id,
    ),
]
EventSort = Annotated[
    SortOrder,
    sort_dependency(
        {"seq": EcoEvent.seq, "created_at": EcoEvent.created_at, "event_type": EcoEvent.event_type},
        default="seq",
        tiebreak=EcoEvent.id,
    ),
]
