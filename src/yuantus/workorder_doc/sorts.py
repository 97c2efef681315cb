"""The `sort` allow-list of the controlled-copy log."""

from typing import Annotated

from yuantus.core.sorting import SortOrder, sort_dependency
from yuantus.workorder_doc.models import DocumentPackExport

ExportSort = Annotated[
    SortOrder,
    sort_dependency(
        {"generated_at": DocumentPackExport.generated_at},
        default="-generated_at",
        tiebreak=DocumentPackExport.id,
    ),
]
