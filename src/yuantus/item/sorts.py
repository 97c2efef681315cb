"""The `sort` allow-lists of the item lists."""

from typing import Annotated

from yuantus.audit.models import AuditEvent
from yuantus.core.sorting import SortOrder, sort_dependency
from yuantus.item.models import Item, ItemDocumentLink

# `revision` sorts by generation: label text would put AA before B
ITEM_COLUMNS = {
    "item_number": Item.item_number,
    "name": Item.name,
    "item_type": Item.item_type,
    "revision": Item.generation,
    "state": Item.state,
    "created_at": Item.created_at,
    "updated_at": Item.updated_at,
    "released_at": Item.released_at,
}
ItemSort = Annotated[
    SortOrder,
    sort_dependency(ITEM_COLUMNS, default="item_type,item_number,revision", tiebreak=Item.id),
]
RevisionSort = Annotated[
    SortOrder,
    sort_dependency(
        {"revision": Item.generation, "state": Item.state, "created_at": Item.created_at},
        default="revision",
        tiebreak=Item.id,
    ),
]
HistorySort = Annotated[
    SortOrder,
    sort_dependency(
        {"created_at": AuditEvent.created_at, "action": AuditEvent.action},
        default="-created_at",
        tiebreak=AuditEvent.id,
        tiebreak_descending=True,
    ),
]
DocumentLinkSort = Annotated[
    SortOrder,
    sort_dependency(
        {"created_at": ItemDocumentLink.created_at, "role": ItemDocumentLink.role},
        default="created_at",
        tiebreak=ItemDocumentLink.id,
    ),
]
LinkedPartSort = Annotated[
    SortOrder,
    sort_dependency(
        {
            "item_number": Item.item_number,
            "revision": Item.generation,
            "name": Item.name,
            "state": Item.state,
            "role": ItemDocumentLink.role,
        },
        default="item_number,revision,role",
        tiebreak=ItemDocumentLink.id,
    ),
]
