"""The `sort` allow-list of the job list."""

from typing import Annotated

from yuantus.core.sorting import SortOrder, sort_dependency
from yuantus.job.models import Job

JobSort = Annotated[
    SortOrder,
    sort_dependency(
        {
            "created_at": Job.created_at,
            "scheduled_at": Job.scheduled_at,
            "completed_at": Job.completed_at,
            "priority": Job.priority,
            "state": Job.status,
            "task_type": Job.task_type,
        },
        default="-created_at",
        tiebreak=Job.id,
    ),
]
