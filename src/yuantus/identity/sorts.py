"""The `sort` allow-lists of users and API tokens."""

from typing import Annotated

from yuantus.core.sorting import SortOrder, sort_dependency
from yuantus.identity.models import ApiToken, User

UserSort = Annotated[
    SortOrder,
    sort_dependency(
        {"username": User.username, "full_name": User.full_name, "created_at": User.created_at},
        default="username",
        tiebreak=User.id,
    ),
]
TokenSort = Annotated[
    SortOrder,
    sort_dependency(
        {
            "created_at": ApiToken.created_at,
            "name": ApiToken.name,
            "expires_at": ApiToken.expires_at,
            "last_used_at": ApiToken.last_used_at,
        },
        default="-created_at",
        tiebreak=ApiToken.id,
    ),
]
