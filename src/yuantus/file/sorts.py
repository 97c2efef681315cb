"""The `sort` allow-list of an item's file links."""

from typing import Annotated

from yuantus.core.sorting import SortOrder, sort_dependency
from yuantus.file.models import ItemFile

FileLinkSort = Annotated[
    SortOrder,
    sort_dependency(
        {"created_at": ItemFile.created_at, "role": ItemFile.role},
        default="created_at",
        tiebreak=ItemFile.id,
    ),
]
